"""One spider class per source kind."""

from __future__ import annotations

from scrapy import Spider

from crawler.spiders.cert_roster import CertRosterSpider
from crawler.spiders.license_csv import LicenseCsvSpider
from crawler.spiders.nppes import NppesSpider
from crawler.spiders.nppes_bulk import NppesBulkSpider
from crawler.spiders.profile_site import ProfileSiteSpider
from directory.raw import SourceKind

SPIDERS: dict[SourceKind, type[Spider]] = {
    SourceKind.nppes: NppesSpider,
    SourceKind.license_csv: LicenseCsvSpider,
    SourceKind.profile_site: ProfileSiteSpider,
    SourceKind.cert_roster: CertRosterSpider,
    SourceKind.nppes_bulk: NppesBulkSpider,
}
