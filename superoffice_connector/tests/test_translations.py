"""The committed translation files match the code, and the Norwegian one is complete and loads.

When ``test_pot_is_current`` fails, regenerate the files from the repository root with
``python3 scripts/update_translations.py`` (it needs the same Odoo 19 and PostgreSQL as the Odoo
suite) and translate the terms it lists as untranslated in ``i18n/nb.po``.
"""

import io
import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import code_translations

from .. import compat
from ..api import exceptions as so_exc

MODULE = "superoffice_connector"
HINT = "; run scripts/update_translations.py and translate the new terms in i18n/nb.po"
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")
TAG_RE = re.compile(r"</?([a-zA-Z][\w-]*)")


def _po(name):
    return polib.pofile(file_path(f"{MODULE}/i18n/{name}"))


def _msgids(po):
    return {entry.msgid for entry in po if entry.msgid and not entry.obsolete}


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        buffer = io.BytesIO()
        compat.export_translations(cls.env, [MODULE], buffer)
        cls.exported = polib.pofile(buffer.getvalue().decode())
        cls.pot = _po(f"{MODULE}.pot")
        cls.nb = _po("nb.po")

    def test_pot_is_current(self):
        exported, committed = _msgids(self.exported), _msgids(self.pot)
        self.assertTrue(exported, "the export found no term at all")
        self.assertFalse(
            sorted(exported - committed), f"terms missing from the committed .pot{HINT}"
        )
        self.assertFalse(
            sorted(committed - exported), f"terms in the .pot that the code no longer has{HINT}"
        )

    def test_nb_translates_every_term(self):
        translated = {e.msgid: e.msgstr for e in self.nb if not e.obsolete and not e.fuzzy}
        missing = sorted(m for m in _msgids(self.pot) if not translated.get(m, "").strip())
        self.assertFalse(missing, f"terms without a Norwegian translation{HINT}")

    def test_nb_keeps_placeholders_and_markup(self):
        wrong = []
        for entry in self.nb:
            if not entry.msgid or not entry.msgstr:
                continue
            for pattern in (PLACEHOLDER_RE, TAG_RE):
                if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(entry.msgstr)):
                    wrong.append(entry.msgid)
        self.assertFalse(wrong, "translations whose placeholders or tags differ from the term")

    def test_nb_is_used_by_odoo(self):
        """Loaded like a user's language: field labels and messages of the code come out Norwegian."""
        self.env["res.lang"]._activate_lang("nb_NO")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["nb_NO"], overwrite=True)
        nb = {e.msgid: e.msgstr for e in self.nb if e.msgid}
        connection = self.env["superoffice.connection"].with_context(lang="nb_NO")
        label = connection.fields_get(["sync_interval"])["sync_interval"]["string"]
        self.assertEqual(label, nb["Sync interval (minutes)"])
        python_terms = code_translations.get_python_translations(MODULE, "nb_NO")
        self.assertEqual(python_terms.get("Connection failed"), nb["Connection failed"])
        term = "SuperOffice is receiving too many requests; try again in a moment."
        message = connection._user_message(so_exc.RateLimitedError("HTTP 429"))
        self.assertEqual(message, nb[term])
