import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * A partition assigner that gives partition N of every subscribed topic to the same member.
 * Light curves are partitioned by partition number, not by topic, because an object's alerts
 * arrive in a new topic every night with the same key and so the same partition number. One
 * member must therefore own partition N of all input topics at once. Partition numbers go to
 * the members, sorted by member id, in turn.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'LightbridgeCoPartitioned',
  version: 1,

  async assign({ members, topics }) {
    const memberIds = members.map((member) => member.memberId);
    const partitionsByTopic = new Map<string, number[]>();
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId);
      partitionsByTopic.set(topic, partitions.sort((a, b) => a - b));
    }

    const assignment = assignPartitionNumbers(memberIds, partitionsByTopic);
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: assignment.get(memberId) ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },

  protocol({ topics }) {
    return {
      name: 'LightbridgeCoPartitioned',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});

/**
 * Maps each member id to its topics and partitions: partition number p goes to member p mod n of
 * the members sorted by id, so every member computes the same assignment.
 */
export function assignPartitionNumbers(
  members: readonly string[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const assignment = new Map<string, Record<string, number[]>>();
  const memberIds = [...members].sort();
  if (memberIds.length === 0) return assignment;

  for (const [topic, partitions] of partitionsByTopic) {
    for (const partition of partitions) {
      const memberId = memberIds[partition % memberIds.length]!;
      const topicsOfMember = assignment.get(memberId) ?? {};
      (topicsOfMember[topic] ??= []).push(partition);
      assignment.set(memberId, topicsOfMember);
    }
  }
  return assignment;
}
