"""The window that lets the user choose between albums that fit a cluster about equally well."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from .matching import Fit, album_artist_credit

COLUMNS = (
    "Album",
    "Artist",
    "Released",
    "Tracks",
    "Files matched",
    "Label",
    "Barcode",
    "Popularity",
    "Match",
    "Spotify id",
)


def describe_fit(fit: Fit, file_count: int) -> list[str]:
    """One row of the candidate list: what tells editions apart."""
    album = fit.album
    return [
        album.get("name") or "",
        album_artist_credit(album),
        album.get("release_date") or "",
        str(fit.track_count),
        f"{len(fit.pairs)} of {file_count}",
        album.get("label") or "",
        (album.get("external_ids") or {}).get("upc") or "",
        str(album.get("popularity", "")),
        f"{fit.score:.0%}",
        album.get("id") or "",
    ]


class CandidateDialog(QDialog):
    """Lists the candidate albums; ``chosen`` carries the index of the one the user accepts.

    Nothing is applied unless the user picks a row and presses OK (or double-clicks a row).
    """

    chosen = pyqtSignal(int)

    def __init__(self, title: str, fits: Sequence[Fit], file_count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fits = list(fits)
        self.setWindowTitle("Local Spotify catalog: choose the album")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Several Spotify albums fit “{title}” ({file_count} files) about equally well. "
            "Choose the one to write into the files, or cancel to leave them as they are."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        for fit in self.fits:
            QTreeWidgetItem(self.tree, describe_fit(fit, file_count))
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        self.tree.itemDoubleClicked.connect(lambda *_: self.accept())
        layout.addWidget(self.tree)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, Qt.Orientation.Horizontal, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tree.currentItemChanged.connect(self._selection_changed)
        self._selection_changed()

    def _selection_changed(self, *_: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(self.tree.currentItem() is not None)

    def select(self, index: int) -> None:
        """Select the candidate at ``index`` (what clicking its row does)."""
        self.tree.setCurrentItem(self.tree.topLevelItem(index))

    def accept(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        index = self.tree.indexOfTopLevelItem(item)
        super().accept()
        self.chosen.emit(index)
