"""Loopback fakes of Notion, Pinecone and an OpenAI-compatible embeddings API.

Modules (one responsibility each):
  util      JSON, ids, timestamps, redaction
  httpd     the HTTP/1.1 listener, request/response objects, fault execution
  app       shared state, the lock, request log, config, clock, seeding
  control   the /__fake/ control API served on every listener
  faults    fault rules (matching, skip/times) and action validation
  limiter   token buckets
  embedder  the deterministic text embedder shared by OpenAI and Pinecone
  notion    the Notion API fake
  pinecone  the Pinecone control plane, Inference /embed and data plane fakes
  openai    the OpenAI-compatible /v1/embeddings and /v1/models fake
"""
