"""Business rules, kept out of the routes. Each function says what it returns and when it refuses."""
