import type { KafkaErrorName } from "./error-codes.js";

/**
 * What each Kafka error code means, in our own words, for someone running a producer: what
 * happened and, where it helps, what to do about it. Codes that only consumers, admin tools or
 * the brokers themselves meet say so up front, so a producer user knows not to dig further.
 *
 * Written by hand; Kafka's own sentences are deliberately not reused. scripts/gen-error-codes.mjs
 * reads this object (one double-quoted string per name) and refuses to generate error-codes.ts
 * while any error code of the Kafka release it targets has no message here.
 *
 * Nothing imports this object for its own use: KafkaError messages carry these sentences once
 * `useErrorDescriptions(errorMessages)` has run (the Node, Deno and Bun entries of
 * @tributary/producer do it), so a browser bundle leaves them out unless the app opts in.
 */
export const errorMessages = {
  UNKNOWN_SERVER_ERROR:
    "The broker failed while handling the request and could not say why in a more specific code. The broker's logs hold the cause.",
  NONE: "No error: the broker handled the request.",
  OFFSET_OUT_OF_RANGE:
    "An offset that was asked for is not in the partition: retention already removed it, or it has not been written yet. Consumers reset their position; producers do not meet this.",
  CORRUPT_MESSAGE:
    "The broker found the record batch damaged: its checksum does not match its bytes, or its size or layout is impossible. Sending it again helps when the bytes were garbled on the way; if it keeps happening, the client is encoding batches wrongly.",
  UNKNOWN_TOPIC_OR_PARTITION:
    "The broker holds no such topic or partition. Right after a topic is created this clears once metadata catches up; if it persists, check the topic name and that the topic exists (automatic topic creation may be off).",
  INVALID_FETCH_SIZE:
    "Consumer error: a fetch asked for an unusable number of bytes. Producers do not meet this.",
  LEADER_NOT_AVAILABLE:
    "The partition has no leader at this moment, usually because an election is under way. Wait briefly, refresh metadata and send again.",
  NOT_LEADER_OR_FOLLOWER:
    "The broker that received the request does not lead this partition (any more), or holds no copy of it. Refresh metadata to learn the current leader and send there.",
  REQUEST_TIMED_OUT:
    "The broker stopped waiting before the request finished, for example while followers were still confirming an acks=all write. The records may or may not be stored; with idempotence on, sending again cannot duplicate them.",
  BROKER_NOT_AVAILABLE:
    "The broker the request refers to is not up or not part of the cluster right now.",
  REPLICA_NOT_AVAILABLE:
    "A copy of the partition the request needs is not present on the broker. Refresh metadata and try again.",
  MESSAGE_TOO_LARGE:
    "A record or batch is bigger than the broker or topic accepts (message.max.bytes, or the topic's max.message.bytes). Send smaller records, compress them, or use smaller batches; otherwise raise the limit on the topic.",
  STALE_CONTROLLER_EPOCH:
    "Cluster-internal: a request carried an out-of-date controller epoch because the controller role has moved.",
  OFFSET_METADATA_TOO_LARGE:
    "Consumer error: the metadata string attached to an offset commit is longer than the broker stores.",
  NETWORK_EXCEPTION:
    "The connection to the broker closed before its answer arrived. Reconnect, refresh metadata and send again; with idempotence on the resend cannot duplicate records.",
  COORDINATOR_LOAD_IN_PROGRESS:
    "The group or transaction coordinator is still loading its state after moving or restarting. Wait a moment and try again.",
  COORDINATOR_NOT_AVAILABLE:
    "No coordinator can serve this group or transactional id yet, for instance because its internal topic is not ready. Look the coordinator up again and retry.",
  NOT_COORDINATOR:
    "This broker is not the coordinator for the group or transactional id. Look the coordinator up again and send there.",
  INVALID_TOPIC_EXCEPTION:
    "The topic name is not allowed, or names an internal topic clients may not write to. Topic names use letters, digits, '.', '_' and '-', up to 249 characters.",
  RECORD_LIST_TOO_LARGE:
    "The batch is larger than one log segment of the topic can hold (segment.bytes). Send smaller batches.",
  NOT_ENOUGH_REPLICAS:
    "Fewer replicas are in sync than the topic's min.insync.replicas demands for an acks=all write, so nothing was stored. It succeeds again once enough replicas catch up.",
  NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    "The leader stored the records, but the in-sync replicas dropped below min.insync.replicas before enough of them confirmed. Sending again may store them twice unless idempotence is on.",
  INVALID_REQUIRED_ACKS:
    "The produce request's acks value is not one the broker accepts. Use 0, 1 or -1 (all).",
  ILLEGAL_GENERATION:
    "Consumer-group error: the member's generation is out of date because the group rebalanced since.",
  INCONSISTENT_GROUP_PROTOCOL:
    "Consumer-group error: the member offered no group protocol, or none that the other members share.",
  INVALID_GROUP_ID:
    "Consumer-group error: the request gave an empty or otherwise unusable group id.",
  UNKNOWN_MEMBER_ID:
    "Consumer-group error: the coordinator does not recognise the member id; the member has to join again.",
  INVALID_SESSION_TIMEOUT:
    "Consumer-group error: the session timeout asked for lies outside the broker's allowed range (group.min.session.timeout.ms to group.max.session.timeout.ms).",
  REBALANCE_IN_PROGRESS:
    "Consumer-group error: the group is redistributing partitions among its members; each member has to join again before going on.",
  INVALID_COMMIT_OFFSET_SIZE:
    "Consumer-group error: the offset commit is too large for the broker to store.",
  TOPIC_AUTHORIZATION_FAILED:
    "The authenticated user may not use this topic. A producer needs WRITE (and DESCRIBE to read its metadata); ask the cluster's administrators for an ACL that grants it.",
  GROUP_AUTHORIZATION_FAILED:
    "Consumer-group error: the authenticated user has no permission on this group.",
  CLUSTER_AUTHORIZATION_FAILED:
    "The authenticated user lacks a cluster-wide permission the request needs (brokers older than Kafka 2.8 require IDEMPOTENT_WRITE on the cluster for idempotent producers).",
  INVALID_TIMESTAMP:
    "A record's timestamp is invalid or too far from the broker's clock for the topic's limits (message.timestamp.before.max.ms and message.timestamp.after.max.ms). Check the timestamps you set and the sending machine's clock.",
  UNSUPPORTED_SASL_MECHANISM:
    "The listener does not offer the SASL mechanism the client chose. Pick one the broker enables, such as PLAIN or SCRAM-SHA-512.",
  ILLEGAL_SASL_STATE:
    "A request arrived at a point of the SASL exchange where it is not allowed, for example before authentication finished.",
  UNSUPPORTED_VERSION:
    "The broker does not implement this version of the request, or the request at all. Pick versions from the broker's ApiVersions answer, or upgrade the broker.",
  TOPIC_ALREADY_EXISTS:
    "Admin operation: the topic was not created because one by that name is there already.",
  INVALID_PARTITIONS:
    "Admin operation: the partition count is not acceptable (it must be at least 1 and can only grow).",
  INVALID_REPLICATION_FACTOR:
    "Admin operation: the replication factor must be at least 1 and no more than the number of live brokers.",
  INVALID_REPLICA_ASSIGNMENT:
    "Admin operation: the explicit placement of replicas on brokers is not valid.",
  INVALID_CONFIG: "A configuration value in the request was rejected as invalid.",
  NOT_CONTROLLER:
    "This node is not the active controller. Look the controller up again and send there.",
  INVALID_REQUEST:
    "The broker could not accept the request as sent: it is malformed or does not fit this broker's version. This points to a client bug or a version mismatch; the broker's logs say more.",
  UNSUPPORTED_FOR_MESSAGE_FORMAT:
    "The topic stores an older message format than the request needs (headers, transactions and idempotence need record batch format v2).",
  POLICY_VIOLATION:
    "A policy installed on the broker (such as a topic-creation policy) refused the request's parameters.",
  OUT_OF_ORDER_SEQUENCE_NUMBER:
    "The broker saw a gap in this idempotent producer's sequence numbers for the partition, so some records may be missing. Ordering for that partition can no longer be guaranteed; start a new producer session.",
  DUPLICATE_SEQUENCE_NUMBER:
    "The broker already has a batch with this sequence number from this producer, so the resend was recognised as a duplicate and not stored twice.",
  INVALID_PRODUCER_EPOCH:
    "The request carried an old producer epoch: the epoch of this producer id has moved on, because another instance took it over or it was bumped after an error. Start a new producer session.",
  INVALID_TXN_STATE:
    "The transactional call does not fit the transaction's current state, for example committing a transaction that was never begun.",
  INVALID_PRODUCER_ID_MAPPING:
    "The producer id is not the one currently assigned to this transactional id. Initialise the producer again.",
  INVALID_TRANSACTION_TIMEOUT:
    "The transaction timeout asked for is longer than the broker allows (transaction.max.timeout.ms). Choose a shorter one.",
  CONCURRENT_TRANSACTIONS:
    "Another operation on the same transaction is still running, often the previous commit or abort finishing. Retry after a short pause.",
  TRANSACTION_COORDINATOR_FENCED:
    "Cluster-internal: a transaction coordinator that has since been replaced tried to write transaction markers.",
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    "The authenticated user has no permission to use this transactional id.",
  SECURITY_DISABLED:
    "The request needs security features, such as ACLs, that this cluster has not enabled.",
  OPERATION_NOT_ATTEMPTED:
    "The broker skipped this part of a multi-part request because another part failed first. Deal with that failure, then send again.",
  KAFKA_STORAGE_ERROR:
    "The broker hit a disk problem in the partition's log directory. Leadership usually moves to a healthy replica; refresh metadata and send again.",
  LOG_DIR_NOT_FOUND:
    "Admin operation: the log directory named in the request is not configured on the broker.",
  SASL_AUTHENTICATION_FAILED:
    "SASL authentication was refused, most often because of a wrong user name or password. Check the credentials and the mechanism.",
  UNKNOWN_PRODUCER_ID:
    "The broker no longer has any state for this producer id, typically because retention removed all of its records. Start a new producer session to get a fresh producer id.",
  REASSIGNMENT_IN_PROGRESS:
    "Admin operation: partitions are being moved between brokers right now, so this change has to wait.",
  DELEGATION_TOKEN_AUTH_DISABLED: "Delegation tokens are not enabled on this cluster.",
  DELEGATION_TOKEN_NOT_FOUND: "The broker has no delegation token with that id.",
  DELEGATION_TOKEN_OWNER_MISMATCH:
    "The authenticated user neither owns this delegation token nor may renew it.",
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED:
    "Delegation tokens cannot be managed over this connection: it must be authenticated by SASL or mutual TLS, and not by a delegation token itself.",
  DELEGATION_TOKEN_AUTHORIZATION_FAILED:
    "The authenticated user has no permission for this delegation token operation.",
  DELEGATION_TOKEN_EXPIRED: "The delegation token has expired; obtain a new one.",
  INVALID_PRINCIPAL_TYPE: "The broker does not support the principal type given.",
  NON_EMPTY_GROUP:
    "Consumer-group error: the group still has members, so it cannot be deleted or changed this way.",
  GROUP_ID_NOT_FOUND: "Consumer-group error: there is no group with this id.",
  FETCH_SESSION_ID_NOT_FOUND:
    "Consumer error: the broker does not know the incremental fetch session; the consumer opens a new one.",
  INVALID_FETCH_SESSION_EPOCH:
    "Consumer error: the fetch session's epoch does not match the broker's; the consumer resets the session.",
  LISTENER_NOT_FOUND:
    "The partition leader has no listener named like the one this request came in on. Often passing while the cluster changes: refresh metadata and retry; if it lasts, the brokers' listener settings disagree.",
  TOPIC_DELETION_DISABLED:
    "Admin operation: deleting topics is switched off on this cluster (delete.topic.enable=false).",
  FENCED_LEADER_EPOCH:
    "The request names a partition leader epoch that this broker has already moved past, so the client's metadata is stale. Refresh metadata and try again.",
  UNKNOWN_LEADER_EPOCH:
    "The request names a partition leader epoch this broker has not reached yet; it is still catching up on metadata. Try again shortly.",
  UNSUPPORTED_COMPRESSION_TYPE:
    "The compression codec cannot be used here: the topic does not accept it, or the request version predates it (zstd needs Produce version 7 or later).",
  STALE_BROKER_EPOCH: "Cluster-internal: a broker sent a request with an out-of-date broker epoch.",
  OFFSET_NOT_AVAILABLE:
    "A freshly elected leader has not yet brought its high watermark up to date, so it cannot hand out offsets yet. Try again shortly.",
  MEMBER_ID_REQUIRED:
    "Consumer-group error: the coordinator has assigned a member id and wants the member to join again using it.",
  PREFERRED_LEADER_NOT_AVAILABLE:
    "Admin operation: the preferred replica cannot take over leadership at the moment.",
  GROUP_MAX_SIZE_REACHED:
    "Consumer-group error: the group already has as many members as the broker allows.",
  FENCED_INSTANCE_ID:
    "Consumer-group error: another consumer with the same group.instance.id has taken over this static membership.",
  ELIGIBLE_LEADERS_NOT_AVAILABLE:
    "Admin operation: no replica that may become leader of the partition is available right now.",
  ELECTION_NOT_NEEDED:
    "Admin operation: the partition already has the leader an election would pick, so nothing changed.",
  NO_REASSIGNMENT_IN_PROGRESS:
    "Admin operation: there is no partition reassignment running to cancel or alter.",
  GROUP_SUBSCRIBED_TO_TOPIC:
    "Consumer-group error: offsets for a topic cannot be deleted while the group is subscribed to it.",
  INVALID_RECORD:
    "The broker's checks refused a record in the batch, for example a record without a key sent to a compacted topic. The broker's message names the record and the reason; fix the record, as sending it unchanged fails again.",
  UNSTABLE_OFFSET_COMMIT:
    "Consumer error: offsets from an unfinished transaction are still pending; retry once it completes.",
  THROTTLING_QUOTA_EXCEEDED:
    "The user has used up its quota for this kind of operation (such as creating topics). Try again after the throttle time the broker returned.",
  PRODUCER_FENCED:
    "A newer producer with the same transactional.id has started, which shuts this one out. Close this producer; the newer one carries on.",
  RESOURCE_NOT_FOUND:
    "Something the request names (a topic, a group, an ACL or the like) does not exist.",
  DUPLICATE_RESOURCE: "The request lists one resource twice; each may appear only once.",
  UNACCEPTABLE_CREDENTIAL:
    "The credential given does not meet the broker's rules, for example a SCRAM iteration count out of range.",
  INCONSISTENT_VOTER_SET:
    "Cluster-internal: a KRaft quorum request involved a node that is not one of the expected voters.",
  INVALID_UPDATE_VERSION: "Admin operation: the version given for a feature update is not valid.",
  FEATURE_UPDATE_FAILED:
    "Admin operation: the cluster could not apply the feature level change because of an unexpected server problem.",
  PRINCIPAL_DESERIALIZATION_FAILURE:
    "Cluster-internal: the controller could not decode the principal of a forwarded request, which points to a security misconfiguration between brokers and controllers.",
  SNAPSHOT_NOT_FOUND: "Cluster-internal: no KRaft snapshot matches the one asked for.",
  POSITION_OUT_OF_RANGE:
    "Cluster-internal: the position asked for lies outside the bounds of the KRaft snapshot.",
  UNKNOWN_TOPIC_ID:
    "The broker knows no topic with this topic id; the topic may have been deleted or recreated, or metadata is stale. Refresh metadata and try again.",
  DUPLICATE_BROKER_REGISTRATION:
    "Cluster-internal: another broker is registered with this node id.",
  BROKER_ID_NOT_REGISTERED: "Cluster-internal: no broker is registered with this id.",
  INCONSISTENT_TOPIC_ID:
    "The topic id in the request differs from the one stored with the partition's log, usually because the topic was recreated. Refresh metadata.",
  INCONSISTENT_CLUSTER_ID:
    "Cluster-internal: the request carries a cluster id different from this cluster's.",
  TRANSACTIONAL_ID_NOT_FOUND: "There is no transaction state for this transactional id.",
  FETCH_SESSION_TOPIC_ID_ERROR:
    "Consumer error: the fetch session used topic ids inconsistently; the consumer opens a new session.",
  INELIGIBLE_REPLICA:
    "Cluster-internal: a proposed in-sync replica set contains a replica that may not be part of it.",
  NEW_LEADER_ELECTED:
    "Cluster-internal: the partition change was applied, but leadership moved in the meantime.",
  OFFSET_MOVED_TO_TIERED_STORAGE:
    "Consumer error: the offset asked for is now held only in tiered (remote) storage and has to be read from there.",
  FENCED_MEMBER_EPOCH:
    "Consumer-group error: the coordinator fenced the member's epoch; it must give up its partitions and join again.",
  UNRELEASED_INSTANCE_ID:
    "Consumer-group error: the static instance id is still held by another member that has not left yet.",
  UNSUPPORTED_ASSIGNOR:
    "Consumer-group error: the group does not support the requested assignor or version of it.",
  STALE_MEMBER_EPOCH:
    "Consumer-group error: the member's epoch is out of date; it retries once a heartbeat brings the current one.",
  MISMATCHED_ENDPOINT_TYPE:
    "The request reached the wrong kind of endpoint, such as a controller-only request sent to a broker listener.",
  UNSUPPORTED_ENDPOINT_TYPE: "The kind of endpoint the request targets is not supported yet.",
  UNKNOWN_CONTROLLER_ID:
    "The controller id in the request does not belong to any controller this node knows of.",
  UNKNOWN_SUBSCRIPTION_ID:
    "A client telemetry push used an unknown or outdated subscription id; the client fetches its subscription again.",
  TELEMETRY_TOO_LARGE: "A client telemetry push was bigger than the broker accepts.",
  INVALID_REGISTRATION: "Cluster-internal: the controller judged a broker's registration invalid.",
  TRANSACTION_ABORTABLE:
    "The transaction ran into an error it can only recover from by aborting. Abort it; the transactional id remains usable afterwards.",
  INVALID_RECORD_STATE:
    "Share-group error: an acknowledgement referred to a record whose state does not allow it.",
  SHARE_SESSION_NOT_FOUND: "Share-group error: the broker does not know the share session.",
  INVALID_SHARE_SESSION_EPOCH:
    "Share-group error: the share session's epoch does not match the broker's.",
  FENCED_STATE_EPOCH:
    "Share-group error: the share coordinator refused the request because its state epoch is out of date.",
  INVALID_VOTER_KEY: "Cluster-internal: the KRaft voter key does not match this replica's.",
  DUPLICATE_VOTER:
    "Cluster-internal: the node being added to the KRaft quorum votes in it already.",
  VOTER_NOT_FOUND:
    "Cluster-internal: the KRaft quorum has no voter matching the node in the request.",
  INVALID_REGULAR_EXPRESSION:
    "Consumer-group error: the topic regular expression in the request cannot be parsed.",
  REBOOTSTRAP_REQUIRED:
    "The client's picture of the cluster is too far out of date to patch up; it has to start over from the bootstrap servers.",
  STREAMS_INVALID_TOPOLOGY: "Kafka Streams error: the group rejected the topology it was given.",
  STREAMS_INVALID_TOPOLOGY_EPOCH:
    "Kafka Streams error: the group rejected the topology epoch it was given.",
  STREAMS_TOPOLOGY_FENCED:
    "Kafka Streams error: the topology epoch sent is older than the group's current one.",
  SHARE_SESSION_LIMIT_REACHED:
    "Share-group error: the broker already serves as many share sessions as it allows. Try again later.",
} as const satisfies Record<KafkaErrorName, string>;
