"""Apply the retention periods of personal data now, or show what would go (--dry-run)."""

from django.core.management.base import BaseCommand, CommandError

from privacy.retention import retention_plan, retention_run


def _describe_application(application):
    return (
        f"  - #{application.pk} {application.reference or 'brouillon'} "
        f"({application.wave.short_code}, {application.get_state_display()}, "
        f"modifiée le {application.updated_at:%Y-%m-%d})"
    )


def _describe_user(user):
    # Only the account number: a dry run's output may end up in a ticket or a log.
    return f"  - compte #{user.pk} (dernière activité {user.last_activity:%Y-%m-%d})"


class Command(BaseCommand):
    help = (
        "Applies the retention periods (settings RETENTION_*): deletes expired drafts and "
        "inactive accounts after their warning, anonymises closed files, purges old mails, "
        "expressions of interest and audit events. The beat runs it daily. With --dry-run, "
        "lists what would be done and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be warned, deleted or anonymised, without writing anything.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self._show_plan(retention_plan())
            return
        run = retention_run(trigger="command")
        if run is None:
            raise CommandError("Another retention run is in progress; try again later.")
        self.stdout.write(
            f"Retention run #{run.pk}: {run.drafts_warned} draft(s) warned, "
            f"{run.drafts_deleted} deleted; {run.files_anonymised} file(s) anonymised; "
            f"{run.accounts_warned} account(s) warned, {run.accounts_deleted} deleted, "
            f"{run.accounts_anonymised} anonymised; {run.details}."
        )
        if run.error:
            raise CommandError(f"Some objects failed:\n{run.error}")

    def _show_plan(self, plan):
        write = self.stdout.write
        write(f"Dry run at {plan.now:%Y-%m-%d %H:%M}: nothing is written.")
        sections = [
            ("Drafts to warn", plan.drafts_to_warn, _describe_application),
            ("Drafts to delete", plan.drafts_to_delete, _describe_application),
            ("Closed files to anonymise", plan.files_to_anonymise, _describe_application),
            ("Inactive accounts to warn", plan.accounts_to_warn, _describe_user),
            ("Inactive accounts to delete", plan.accounts_to_delete, _describe_user),
            ("Inactive accounts to anonymise", plan.accounts_to_anonymise, _describe_user),
        ]
        for title, items, describe in sections:
            write(f"{title}: {len(items)}")
            for item in items:
                write(describe(item))
        write(f"Sent mails to delete: {plan.mails_to_delete}")
        write(f"Expressions of interest to delete: {plan.interests_to_delete}")
        write(f"Audit events to delete: {plan.audit_events_to_delete}")
