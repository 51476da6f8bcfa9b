"""``autopost rotate-tokens``: re-encrypt platform tokens with the current key.

Rotation: set the new key as ``PLATFORM_TOKEN_SECRET``, move the old one to
``PLATFORM_TOKEN_SECRET_PREVIOUS``, run this command, then drop the old key once it reports no
failures. Only counts and connection ids are printed, never a token or a ciphertext.
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from autopost import crypto
from autopost.connections.models import PlatformConnection

SECRET_FIELDS = ("access_token_enc", "refresh_token_enc")


@dataclass
class RotationReport:
    connections: int = 0
    rotated: int = 0
    current: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Re-encrypt every platform token with PLATFORM_TOKEN_SECRET. By default only values that "
        "open with a key from PLATFORM_TOKEN_SECRET_PREVIOUS are rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="rotate_all",
            help="re-encrypt every value, also those already on the current key (fresh IVs)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="connections per transaction (default 200)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change, write nothing"
        )

    def handle(self, *args, rotate_all=False, batch_size=200, dry_run=False, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            keys = crypto.decryption_keys()
        except crypto.CryptoError as exc:
            raise CommandError(str(exc)) from None

        report = RotationReport()
        last_pk = 0
        while True:
            last_pk = self._rotate_batch(keys, last_pk, batch_size, rotate_all, dry_run, report)
            if last_pk is None:
                break

        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(
            f"Connections scanned: {report.connections}. Values {verb}: {report.rotated}; "
            f"already on the current key: {report.current}; failed: {len(report.failed)}."
        )
        for connection_id, field_name in report.failed:
            self.stderr.write(
                f"Connection {connection_id}: {field_name} opens with no configured key; "
                "left unchanged."
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} value(s) could not be decrypted with any configured key. "
                "Keep the old key in PLATFORM_TOKEN_SECRET_PREVIOUS or reconnect those platforms."
            )

    def _rotate_batch(self, keys, after_pk, batch_size, rotate_all, dry_run, report):
        """Rotate the next batch in one transaction; return its last pk, or None when done.

        Rows are locked so a worker refreshing a token cannot have its new value overwritten by
        the re-encryption of the old one.
        """
        current_key = keys[0]
        with transaction.atomic():
            rows = list(
                PlatformConnection.objects.select_for_update()
                .filter(pk__gt=after_pk)
                .order_by("pk")
                .values("pk", *SECRET_FIELDS)[:batch_size]
            )
            if not rows:
                return None
            for row in rows:
                report.connections += 1
                changes = {}
                for field_name in SECRET_FIELDS:
                    value = row[field_name]
                    if not value:
                        continue
                    try:
                        plaintext, key_index = crypto.decrypt_with(value, keys)
                    except crypto.CryptoError:
                        report.failed.append((row["pk"], field_name))
                        continue
                    if key_index == 0 and not rotate_all:
                        report.current += 1
                        continue
                    changes[field_name] = crypto.encrypt(plaintext, key=current_key)
                    report.rotated += 1
                if changes and not dry_run:
                    # update(), not save(): rotation is not a change of the connection, so
                    # updated_at and the other columns stay as they are.
                    PlatformConnection.objects.filter(pk=row["pk"]).update(**changes)
            return rows[-1]["pk"]
