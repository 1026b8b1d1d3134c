"""The Local Offer directory: curated SEND services, hybrid search, Open Referral UK API, staff pages."""

__version__ = "0.1.0"
