"""Exports of reports and action plans to XLSX, CSV and PDF, built by a job, stored encrypted
for a limited time, downloaded by the person who asked for them, and logged."""
