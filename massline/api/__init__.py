"""The versioned JSON API (/api/v1/) with its OpenAPI document: thin, it calls services and selectors."""
