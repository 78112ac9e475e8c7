"""Personal data: the privacy notice, a user's data export and account deletion."""
