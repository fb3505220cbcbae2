{
    "name": "SuperOffice Connector",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Link and synchronize customers, suppliers, contacts and projects with SuperOffice CRM",
    "author": "SuperOffice Connector Authors",
    "website": "https://github.com/superoffice-connector/superoffice_connector",
    "license": "LGPL-3",
    "depends": ["contacts", "project", "mail"],
    "external_dependencies": {"python": ["requests", "cryptography"]},
    "data": [
        "security/superoffice_security.xml",
        "security/ir.model.access.csv",
        "views/superoffice_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "application": True,
}
