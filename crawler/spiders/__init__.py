"""One spider class per source kind."""

from __future__ import annotations

from scrapy import Spider

from crawler.spiders.cert_roster import CertRosterSpider
from crawler.spiders.license_csv import LicenseCsvSpider
from crawler.spiders.nppes import NppesSpider
from crawler.spiders.profile_site import ProfileSiteSpider

SPIDERS: dict[str, type[Spider]] = {
    "nppes": NppesSpider,
    "license_csv": LicenseCsvSpider,
    "profile_site": ProfileSiteSpider,
    "cert_roster": CertRosterSpider,
}
