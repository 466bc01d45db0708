"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "audit:verify": None,  # re-checks the hash chain and writes nothing; the CLI has audit verify
}
