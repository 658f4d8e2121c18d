"""The site build: MkDocs' build, doing only what changed (`engine`), and what it keeps between runs (`store`)."""
