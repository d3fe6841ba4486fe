"""Arkiv → Samla enhetens filer i en fil… and Arkiv → För in kopior…: the enhet's folder folded
into one file, and copies made with older versions brought in — the window's side of
`aktgranskning samla` and `aktgranskning sammanfoga`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from aktgranskning.domain.errors import UserError
from aktgranskning.services.session import ReviewSession

FILE_FILTER = "Granskningsfiler (*.granskning);;Alla filer (*)"


def collect_enhet_files(parent: QWidget, session: ReviewSession) -> Path | None:
    """Ask where, write the enhet as one new file, say what was written; None when nothing was."""
    from aktgranskning.services.collect import ConflictsRemain, collect_enhet

    suggested = session.path.with_name(f"{session.path.stem} (samlad){session.path.suffix}")
    target, _ = QFileDialog.getSaveFileName(parent, "Samla enhetens filer i en fil", str(suggested), FILE_FILTER)
    if not target:
        return None
    path = Path(target) if target.lower().endswith(".granskning") else Path(target + ".granskning")
    try:
        try:
            result = collect_enhet(session.path, path)
        except ConflictsRemain as remaining:
            asked = QMessageBox.question(
                parent, "Konflikter som inte är avgjorda",
                f"{remaining.message}\n\nVill du samla ändå? Konflikterna står då kvar öppna i den nya filen.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if asked != QMessageBox.StandardButton.Yes:
                return None
            result = collect_enhet(session.path, path, keep_conflicts=True)
    except UserError as error:
        QMessageBox.warning(parent, "Filerna kunde inte samlas", error.message)
        return None
    left = (f"\n\n{len(result.conflicts)} konflikter står kvar öppna i den nya filen." if result.conflicts else "")
    QMessageBox.information(parent, "Enhetens filer är samlade",
                            f"Skrev {result.path} ur {result.sources} filer. Den nya filen är hela enheten och "
                            f"kan skickas, arkiveras eller jämföras med nästa år.{left}")
    return result.path


def bring_in_copies(parent: QWidget, session: ReviewSession) -> int | None:
    """Choose copies made with older versions and bring their answers into the enhet; conflicts
    are listed, never decided. Returns how many answers were brought in."""
    from aktgranskning.services.copy_merge import merge_copies

    chosen, _ = QFileDialog.getOpenFileNames(parent, "Välj kopiorna som ska föras in", str(session.path.parent),
                                             FILE_FILTER)
    if not chosen:
        return None
    try:
        result = merge_copies(session.path, [Path(p) for p in chosen], session.reviewer, session=session)
    except UserError as error:
        QMessageBox.warning(parent, "Kopiorna kunde inte föras in", error.message)
        return None
    lines = [f"Förde in {result.applied} svar."]
    if result.plan.conflicts:
        lines.append(f"{len(result.plan.conflicts)} frågor har olika svar i kopiorna och enhetens fil; de lämnades "
                     "orörda. Sätt rätt svar i akten.")
        lines += [f"  • akt {c.sequence}, fråga {c.question_id}: " + " ≠ ".join(
            f"{v.answer.value} ({v.reviewer or 'okänd'}, {v.source})" for v in c.versions) for c in
            result.plan.conflicts[:10]]
    lines += [f"  • fördes inte in: akt {seq}, fråga {qid}: {why}" for (seq, qid), why in result.not_applied[:10]]
    QMessageBox.information(parent, "Kopiorna är införda", "\n".join(lines))
    return result.applied
