"""``triangulate web``: the Triangulate app served to browsers (textual-serve), one app process per browser tab.

``serve`` is the web server (origin check, session cap, idle time-out, TLS); ``session`` is the program each tab
runs, which starts at the sign-in screen (``sign_in``); ``demo`` serves the demo. The person's token travels only
as keystrokes from the browser to their own session process, through its standard input: it is never in a process
argument or environment, never written to disk and never logged.
"""
