"""Notifications and reminders, the parts that need neither Flask nor the database: what kinds of
notification exist (:mod:`app.notify.kinds`), what each says in Vietnamese
(:mod:`app.notify.texts`), and which deadline events are due on a day (:mod:`app.notify.rules`)."""
