"""Audit tools as versioned data (domains, descriptors, questions) and the grading rules.

Plugins reach this through `core.toolkit`: `ToolSource` and the `qa_register_tools` hook to
ship tool files, `get_tool` to read a version, `overall_grade`, `grade_from_score` and
`record_grade` to grade. The library of ready-made tools is in `library/`.
"""
