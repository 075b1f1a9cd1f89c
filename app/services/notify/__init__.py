"""Notifications and reminders (issue 18), built on the Flask-free parts in ``app/notify/``:
notifications.py (delivering, the bell, the list, preferences, follows), events.py (what actions
notify, called in their transaction), claims.py (once per event and recipient), scheduler.py
(deadline reminders, digests, the round of the background thread and ``flask reminders run``),
sender.py (the e-mail outbox) and reminders.py (the Đôn đốc page's reminders)."""
