"""An app that crashes says so with an exit status, not a screen of locals.

Textual's own handler prints a rich traceback with ``show_locals=True`` (the key, drafts and
server text included, escape sequences and all) and exits with status 1 that the command line
then read as success. ``CrashGuard`` records the error, exits with ``CRASH_EXIT`` and prints
nothing; the command line writes the redacted report. Overriding ``App._handle_exception`` is
the only way to change this, so every private name it touches stays in this module.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import App
from textual.widgets import Input, TextArea

from ..crash import CRASH_EXIT

ReturnType = TypeVar("ReturnType")


class CrashGuard(App[ReturnType]):
    """An ``App`` base: ``class ConsoleApp(CrashGuard[Result])``."""

    #: The first unexpected error, once the app has crashed.
    crash: BaseException | None = None
    #: Text the person had typed when it crashed: redacted from the report.
    crash_secrets: tuple[str, ...] = ()

    def secrets(self) -> list[str]:
        """Strings a crash report must not contain. By default what the inputs on the screens
        hold; an app keeping drafts elsewhere adds them."""
        found: list[str] = []
        for screen in self.screen_stack:
            found += [w.value for w in screen.query(Input)]
            found += [w.text for w in screen.query(TextArea)]
        return found

    def _gather_secrets(self) -> tuple[str, ...]:
        for source in (self.secrets, lambda: CrashGuard.secrets(self)):
            try:
                return tuple(source())
            except Exception:  # the DOM may be what broke; the report is still written
                continue
        return ()

    def _handle_exception(self, error: Exception) -> None:
        if self.crash is None:
            self.crash = error
            self.crash_secrets = self._gather_secrets()
        self._return_code = CRASH_EXIT
        # As Textual does, so ``run_test`` still re-raises the error in tests.
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()
