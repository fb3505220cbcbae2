"""Browser test of the simulator's SuperOffice screen (``/_erp/``) against this Odoo: set up the
ERP connection, the ERP tab, Connect to ERP with a blank search, a search and the side-by-side
choice, then Can't find match > Create > Create in ERP. Odoo then holds what the user chose."""

from odoo.tests import tagged

from .. import compat
from ..models.superoffice_erp_connection import ENDPOINT
from .common import SuperOfficeMixin
from .erp_common import ErpCase

TOUR = """
(async () => {
  const wait = async (check, what) => {
    for (let i = 0; i < 200; i++) {
      const value = check();
      if (value) { return value; }
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error("timed out waiting for " + what);
  };
  const $ = (s) => document.querySelector(s);
  const idle = (what) => wait(() => $("#status").textContent && !$("#status").classList.contains("error") && $("#status").textContent, what);
  try {
    $("#setup-url").value = %(url)r;
    $("#setup-company").value = %(company)r;
    $("#btn-setup").click();
    await wait(() => $("#status").textContent.includes("saved"), "set-up: " + $("#status").textContent);
    // Connect to ERP with the side-by-side choice
    $(".crm-company[data-key='contact-1']").click();
    $("#btn-customer").click();
    await wait(() => $("#status").textContent.includes("found"), "search");
    $("#search-text").value = "";
    $("#btn-search").click();
    await wait(() => document.querySelectorAll("#hits tr.hit").length > 1, "blank search lists all");
    $("#search-text").value = %(name)r;
    $("#btn-search").click();
    const hit = await wait(() => document.querySelectorAll("#hits tr.hit").length === 1 && $("#hits tr.hit input"), "one hit");
    hit.click(); hit.dispatchEvent(new Event("change"));
    $("#btn-connect").click();
    await wait(() => !$("#side-by-side").hidden, "side by side");
    $("#side-by-side tr[data-field='STREETCITY'] input[value='erp']").click();
    $("#btn-connect").click();
    await wait(() => $("#erp-linked"), "linked");
    // Can't find match in ERP > Create > Create in ERP
    $(".crm-company[data-key='contact-2']").click();
    $("#btn-customer").click();
    await wait(() => $("#status").textContent.includes("found"), "search 2");
    $("#cant-find").click();
    await wait(() => $("#btn-connect").textContent === "Create", "create button");
    $("#btn-connect").click();
    await wait(() => !$("#create-form").hidden, "create form");
    $("#create-form input[data-field='NAME']").value = "Tour Created AS";
    $("#btn-create-in-erp").click();
    await wait(() => $("#status").textContent.includes("Created in ERP"), "created");
    console.log("test successful");
  } catch (error) {
    console.error("tour failed: " + error.message + " / " + $("#status").textContent);
  }
})();
"""


@tagged("post_install", "-at_install")
class TestErpSimulatorPage(SuperOfficeMixin, ErpCase):
    seed_companies = 3

    def test_connect_and_create_in_the_browser(self):
        self.conn_a.action_release()  # the page's engine sends its own GUID
        contact = self.so_contact(1)
        partner = self.env["res.partner"].create({
            "name": contact["Name"], "is_company": True, "company_id": self.company_a.id,
            "city": "Aarhus", "phone": "+45 00 00 00 00",
        })
        self.sim.erp_page.engine = None
        url = f"{self.base_url()}{ENDPOINT}?key={self.conn_a.key}"
        code = TOUR % {"url": url, "company": str(self.company_a.id), "name": contact["Name"]}
        # SuperOffice's engine (the simulator) calls Odoo without the browser's test cookie
        with compat.allow_requests_in_browser_js(self):
            self.browser_js(f"{self.sim.url}/_erp/", code, timeout=120)
        crm_phone = contact["Phones"][0]["Value"]
        self.assertEqual(partner.city, "Aarhus")  # the ERP value was chosen
        self.assertEqual(partner.phone, crm_phone)  # the SuperOffice value was chosen
        self.assertTrue(partner.superoffice_erp_linked)
        created = self.env["res.partner"].search([("name", "=", "Tour Created AS")])
        self.assertEqual(created.company_id, self.company_a)
        self.assertTrue(created.superoffice_erp_linked)
