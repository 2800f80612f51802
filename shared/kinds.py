"""Every event kind on the wire, named once: ``noun.verb-in-past-tense``, as docs/protocol.md lists them.

A leaf module (it imports nothing), so the domain modules, the catalogue (shared.catalogue), the server and the
app can all name a kind without spelling the string again, and without an import cycle.
"""

from __future__ import annotations

# findings
FINDING_POSTED = "finding.posted"
FINDING_AMENDED = "finding.amended"
FINDING_WITHDRAWN = "finding.withdrawn"
FINDING_LINKED = "finding.linked"
FINDING_UNLINKED = "finding.unlinked"

# risk alerts, the lead's deputy and the escalation deadlines
ALERT_RAISED = "alert.raised"
ALERT_NOTED = "alert.noted"
ALERT_ESCALATED = "alert.escalated"
ALERT_CLOSED = "alert.closed"
ALERT_ACKNOWLEDGED = "alert.acknowledged"
ALERT_INFORMED = "alert.informed"
ALERT_CONFIRMED = "alert.confirmed"
ALERT_RESPONDED = "alert.responded"
ALERT_RESOLVED = "alert.resolved"
ALERT_UPDATED = "alert.updated"
ALERT_SEEN = "alert.seen"
ALERT_OVERDUE = "alert.overdue"
DEPUTY_NAMED = "deputy.named"
DEADLINES_SET = "deadlines.set"

# lines of enquiry
ENQUIRY_OPENED = "enquiry.opened"
ENQUIRY_STARTED = "enquiry.started"
ENQUIRY_ANSWERED = "enquiry.answered"
ENQUIRY_CLOSED = "enquiry.closed"

# meetings and their agenda
MEETING_OPENED = "meeting.opened"
AGENDA_ADDED = "agenda.added"
AGENDA_MOVED = "agenda.moved"
AGENDA_DROPPED = "agenda.dropped"
MEETING_RECORDED = "meeting.recorded"
MEETING_AMENDED = "meeting.amended"
MEETING_CLOSED = "meeting.closed"
ATTENDANCE_RECORDED = "attendance.recorded"

# grades
GRADE_PROPOSED = "grade.proposed"
GRADE_AGREED = "grade.agreed"
GRADE_CHALLENGED = "grade.challenged"
GRADE_SIGNED_OFF = "grade.signed-off"
GRADE_RESPONDED = "grade.responded"
GRADE_REOPENED = "grade.reopened"

# cases, the sample and the inspection's settings
CASES_IMPORTED = "cases.imported"
SAMPLE_DRAWN = "sample.drawn"
SAMPLE_ADDED = "sample.added"
CASE_ALLOCATED = "case.allocated"
CASE_PROGRESSED = "case.progressed"
FIELDWORK_SET = "fieldwork.set"
ON_SITE_SET = "on-site.set"
PERSONAL_DATA_SET = "personal-data.set"
DAY_ONE_SET = "day-one.set"

# the team, changed by an administrator from the command line
INSPECTOR_REVOKED = "inspector.revoked"
ROLE_CHANGED = "inspector.role-changed"

# the record, kept trustworthy: personal data taken out of it by the lead (shared/redaction.py)
RECORD_REDACTED = "record.redacted"
