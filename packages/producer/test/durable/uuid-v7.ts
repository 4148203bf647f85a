/** A UUIDv7 as text (RFC 9562): version 7, variant 10. The durable queue's record ids. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
