"""The grade board: proposed and agreed grades, QA challenge and sign-off, the rules' warnings."""
