"""Risk alerts: the bar, the bell, the alerts screen, raising, acknowledging and confirming in writing."""
