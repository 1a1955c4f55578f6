"""The cluster survey report: model, builder, charts and writers (Word, Excel, HTML)."""
