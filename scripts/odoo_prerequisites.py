"""The system packages building Odoo 19's Python environment needs, named with the Debian/Ubuntu
command that installs them: checked before anything is downloaded, and read from pip's output
when a build fails anyway."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

HEADER_PACKAGES = {
    "ldap.h": "libldap2-dev",
    "lber.h": "libldap2-dev",
    "sasl/sasl.h": "libsasl2-dev",
    "libpq-fe.h": "libpq-dev",
    "Python.h": "python3-dev",
}


def has_module(name):
    return importlib.util.find_spec(name) is not None


def _compiles(cc, header, env):
    result = subprocess.run(
        [cc, "-E", "-x", "c", "-", "-o", os.devnull], input=f"#include <{header}>\n",
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    return result.returncode == 0


def missing_prerequisites(source, env, python_include=None, pg_lib_glob=odoo_env.PG_LIB_GLOB):
    """The system packages a build from ``source`` lacks, as ``(what, Debian package)`` pairs."""
    path = env.get("PATH", os.defpath)
    missing = []
    if source.kind == "git" and not shutil.which("git", path=path):
        missing.append(("git, to fetch the Odoo source", "git"))
    if not has_module("pip") and not has_module("ensurepip"):
        missing.append(("pip, or Python's venv module with ensurepip", "python3-venv"))
    include = python_include or sysconfig.get_paths()["include"]
    if not Path(include, "Python.h").exists():
        missing.append((f"the Python C headers (Python.h in {include})", "python3-dev"))
    cc = shutil.which("cc", path=path) or shutil.which("gcc", path=path)
    if not cc:
        missing.append(("a C compiler (cc), to build psycopg2 and python-ldap", "build-essential"))
    if not shutil.which("pg_config", path=path):
        missing.append(("libpq's headers and pg_config, to build psycopg2", "libpq-dev"))
    if cc:
        for header in ("ldap.h", "lber.h", "sasl/sasl.h"):
            if not _compiles(cc, header, env):
                missing.append((f"the C header {header}, to build python-ldap", HEADER_PACKAGES[header]))
    pg_given = any(env.get(name) for name in ("PGHOST", "PGPORT", "PGUSER"))
    if not pg_given and not odoo_env.pg_bindir(path=path, lib_glob=pg_lib_glob):
        missing.append(
            ("PostgreSQL's server binaries (initdb, pg_ctl), or PGHOST/PGPORT/PGUSER/PGPASSWORD "
             "naming a server", "postgresql")
        )  # fmt: skip
    return missing


def prerequisites_message(missing, root=None):
    packages = " ".join(dict.fromkeys(package for _what, package in missing))
    root = os.geteuid() == 0 if root is None else root
    lines = ["cannot provision Odoo 19; this machine lacks:"]
    lines += [f"  - {what}" for what, _package in missing]
    lines += [
        "Install them (Debian/Ubuntu) with:",
        f"  {'' if root else 'sudo '}apt-get install -y {packages}",
        "or point ODOO_PYTHON (and ODOO_PATH) at an existing Odoo 19.",
    ]
    return "\n".join(lines)


def diagnose(output):
    """The likely cause of a failed pip build, named with the package that fixes it."""
    header = re.search(r"fatal error: ([\w/.+-]+\.h): No such file", output)
    if header:
        package = HEADER_PACKAGES.get(header.group(1), "the package that provides it")
        return f"the C header {header.group(1)} is missing (apt-get install -y {package})"
    if "pg_config executable not found" in output:
        return "pg_config is missing (apt-get install -y libpq-dev)"
    if re.search(r"command '[\w/.+-]*(gcc|cc)' failed|unable to execute '[\w/.+-]*gcc'", output):
        return "no C compiler (apt-get install -y build-essential)"
    errors = [line.strip() for line in output.splitlines() if line.strip().startswith("ERROR")]
    return errors[-1] if errors else "see the log"
