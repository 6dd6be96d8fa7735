"""HTTP plumbing: conditional GET, the page cache, the release digest, request guards, health."""
