"""Codes of the register's selection fields, in one place (no Odoo import).

The models use them as their selections (English labels, translated through the
module's vi.po); scripts/make-import-templates.py lists them in the Vietnamese
import templates with the labels of vi.po.
"""

SUBSCRIBER_KINDS = [
    ("individual", "Individual"),
    ("organization", "Organisation"),
    ("device", "Device, Service or Software"),
]
EMPLOYMENT_STATUSES = [
    ("working", "Working"),
    ("transferred", "Transferred"),
    ("retired", "Retired"),
    ("left", "Left the Service"),
    ("deceased", "Deceased"),
]
BODY_LEVELS = [
    ("province", "Province"),
    ("department", "Department / District"),
    ("unit", "Unit / Commune"),
]
