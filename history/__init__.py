"""Listening history into Elasticsearch, enriched from the local catalog.

``localspotify history FOLDER`` (or ``beet spotifyhistory FOLDER``) reads Spotify's export files,
enriches every play from the catalog and indexes it behind the ``spotify-history`` alias:

    exports.py    export files → typed plays (streamed)
    enrich.py     plays → catalog facts, one batched lookup per file
    online.py     track ids the catalog lacks → facts from Spotify's Web API, cached on disk
    documents.py  play + facts → document; the index mapping
    elastic.py    template, versioned index behind the alias, bulk
    importer.py   the run: files → documents → bulk → processed/
    dashboard.py  the Kibana saved objects and their import
    cli.py        the click command

See docs/history.md.
"""
