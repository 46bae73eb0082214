"""The options page (Options > Plugins > Local Spotify catalog): transport, tags, genre mode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from picard.plugin3.api import OptionsPage, t_
from PyQt6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from .errors import LocalSpotifyError
from .lookups import Search, run_lookup
from .settings import (
    AUDIO_FEATURES,
    DEFAULT_SERVER_URL,
    GENRE_ADD,
    GENRE_LEAVE,
    GENRE_REPLACE,
    TRANSPORT_CATALOG,
    TRANSPORT_SERVER,
    Settings,
    read_settings,
)
from .transport import catalog_importable

if TYPE_CHECKING:
    from .plugin import LocalSpotify

GENRE_CHOICES = (
    (GENRE_ADD, "Add Spotify's artist genres to the genre tag"),
    (GENRE_REPLACE, "Replace the genre tag with Spotify's artist genres"),
    (GENRE_LEAVE, "Leave the genre tag alone"),
)

TAG_CHECKBOXES = (
    ("write_ids", "Spotify track, album and artist ids (spotify_track_id, spotify_album_id, spotify_artist_id)"),
    ("write_popularity", "Spotify popularity (spotify_track_popularity, spotify_album_popularity)"),
    ("write_label", "Label, when the track has none"),
    ("write_isrc", "ISRC, when the track has none"),
    ("write_explicit", "Explicit flag (spotify_explicit)"),
    ("write_bpm_key", "bpm and key, from Spotify's audio features"),
)


class LocalSpotifyOptionsPage(OptionsPage):
    """Reads and writes the options declared in :mod:`.settings`."""

    NAME = "local_spotify_catalog"
    TITLE = t_("options.title", "Local Spotify catalog")
    PARENT = "plugins"
    plugin: LocalSpotify

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)

        transport = QGroupBox("Where the catalog is", self)
        form = QFormLayout(transport)
        self.server_radio = QRadioButton("Local server (localspotify serve)", transport)
        self.catalog_radio = QRadioButton("Catalog file, read in this Picard process", transport)
        self.transport_group = QButtonGroup(self)
        self.transport_group.addButton(self.server_radio)
        self.transport_group.addButton(self.catalog_radio)
        self.server_url = QLineEdit(transport)
        self.server_url.setPlaceholderText(DEFAULT_SERVER_URL)
        self.catalog_path = QLineEdit(transport)
        browse = QPushButton("Browse…", transport)
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.catalog_path)
        path_row.addWidget(browse)
        form.addRow(self.server_radio)
        form.addRow("Server URL:", self.server_url)
        form.addRow(self.catalog_radio)
        form.addRow("Catalog file:", path_row)
        self.catalog_note = QLabel(transport)
        self.catalog_note.setWordWrap(True)
        if not catalog_importable():
            self.catalog_radio.setEnabled(False)
            self.catalog_note.setText(
                "This Picard cannot import the localspotify catalog package (official builds never can): "
                "run localspotify serve and use the local server."
            )
        form.addRow(self.catalog_note)
        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test", transport)
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(transport)
        self.test_result.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow(test_row)
        layout.addWidget(transport)

        tags = QGroupBox("What to write", self)
        tags_layout = QVBoxLayout(tags)
        self.enrich_tracks = QCheckBox("Enrich tracks MusicBrainz matched while their release loads", tags)
        tags_layout.addWidget(self.enrich_tracks)
        self.tag_boxes: dict[str, QCheckBox] = {}
        for name, label in TAG_CHECKBOXES:
            self.tag_boxes[name] = QCheckBox(label, tags)
            tags_layout.addWidget(self.tag_boxes[name])
        genre_row = QHBoxLayout()
        genre_row.addWidget(QLabel("Genres:", tags))
        self.genre_mode = QComboBox(tags)
        for value, label in GENRE_CHOICES:
            self.genre_mode.addItem(label, value)
        genre_row.addWidget(self.genre_mode, 1)
        tags_layout.addLayout(genre_row)
        layout.addWidget(tags)

        features = QGroupBox("Spotify audio features written as spotify_<name> tags", self)
        grid = QGridLayout(features)
        self.feature_boxes: dict[str, QCheckBox] = {}
        for index, name in enumerate(AUDIO_FEATURES):
            self.feature_boxes[name] = QCheckBox(name, features)
            grid.addWidget(self.feature_boxes[name], index // 3, index % 3)
        layout.addWidget(features)
        layout.addStretch(1)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Catalog file", self.catalog_path.text(), "DuckDB (*.duckdb)")
        if path:
            self.catalog_path.setText(path)

    def current_settings(self) -> Settings:
        """The settings as the page shows them now (saved or not)."""
        return read_settings(self._values())

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "transport": TRANSPORT_CATALOG if self.catalog_radio.isChecked() else TRANSPORT_SERVER,
            "server_url": self.server_url.text().strip() or DEFAULT_SERVER_URL,
            "catalog_path": self.catalog_path.text().strip(),
            "enrich_tracks": self.enrich_tracks.isChecked(),
            "genre_mode": self.genre_mode.currentData(),
            "audio_features": [name for name, box in self.feature_boxes.items() if box.isChecked()],
        }
        values.update((name, box.isChecked()) for name, box in self.tag_boxes.items())
        return values

    def load(self) -> None:
        settings = read_settings(self.api.plugin_config)
        use_catalog = settings.transport == TRANSPORT_CATALOG and self.catalog_radio.isEnabled()
        (self.catalog_radio if use_catalog else self.server_radio).setChecked(True)
        self.server_url.setText(settings.server_url)
        self.catalog_path.setText(settings.catalog_path)
        self.enrich_tracks.setChecked(settings.enrich_tracks)
        for name, box in self.tag_boxes.items():
            box.setChecked(getattr(settings, name))
        self.genre_mode.setCurrentIndex(max(0, self.genre_mode.findData(settings.genre_mode)))
        for name, box in self.feature_boxes.items():
            box.setChecked(name in settings.audio_features)

    def save(self) -> None:
        config = self.api.plugin_config
        for name, value in self._values().items():
            config[name] = value

    def test_connection(self) -> None:
        """Ask the catalog one question with the settings shown (saved or not); report in the page."""
        self.test_result.setText("Asking …")
        transport = self.plugin.make_transport(self.current_settings())

        def probe():  # type: ignore[no-untyped-def]
            (found,) = yield [Search("upc:190295211592", "album", 1)]
            return found

        def done(result: Any, error: LocalSpotifyError | None) -> None:
            if hasattr(transport, "close"):
                transport.close()  # an in-process catalog opened just for this question
            text = str(error) if error is not None else f"The catalog answers ({transport.describe()})."
            try:
                self.test_result.setText(text)
            except RuntimeError:  # the page was closed meanwhile
                pass

        run_lookup(probe(), transport.fetch, done)
