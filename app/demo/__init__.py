"""Demo content that lives in the repository: Word files written on demand, news articles.

Nothing here reads outside the repository; the demo and the tests build what they need from it.
"""
