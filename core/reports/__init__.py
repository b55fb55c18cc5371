"""QA reports: sections contributed by plugins and by core, composed per partnership, agency or
team for a period, rendered as a page with SVG charts and tables, and exported by
`core.exports`."""
