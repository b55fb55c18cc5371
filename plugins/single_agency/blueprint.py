"""The plugin's one blueprint: named for the plugin key, served under /single_agency."""

from flask import Blueprint

bp = Blueprint("single_agency", __name__, url_prefix="/single_agency",
               template_folder="templates")
