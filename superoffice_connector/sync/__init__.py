"""Sync core: canonical values, field mapping, transforms, three-way merge, batch planning.

Pure Python (standard library only, never imports ``odoo``); the Odoo layer turns records into
canonical values and back and stores links and base snapshots. Modules:

* :mod:`.canonical` normalisation and comparison of values;
* :mod:`.countries` ISO 3166 table (SuperOffice CountryId = ISO numeric);
* :mod:`.mapping` ``FieldMap`` and the default mappings;
* :mod:`.names` person name split/join;
* :mod:`.transforms` SuperOffice JSON <-> canonical values, minimal PATCH bodies;
* :mod:`.merge` three-way merge with conflict policies;
* :mod:`.compare` Connect-time comparison rows and the user's choices;
* :mod:`.plan` batch planning of a page of changed records.
"""

from . import canonical, compare, countries, mapping, merge, names, plan, transforms

__all__ = ["canonical", "compare", "countries", "mapping", "merge", "names", "plan", "transforms"]
