import { mutationResolvers } from './mutation-resolvers.js';
import { planningMutationResolvers, planningQueryResolvers, vmFieldResolvers } from './planning-resolvers.js';
import { queryResolvers } from './query-resolvers.js';
import { subscriptionResolvers } from './subscription-resolvers.js';
import {
  fleetMutationResolvers,
  fleetQueryResolvers,
  fleetSubscriptionResolvers,
  fleetVmFieldResolvers,
} from './fleet-resolvers.js';
import { migrationMutationResolvers, migrationSubscriptionResolvers } from './migration-resolvers.js';

export const resolvers = {
  Query: { ...queryResolvers, ...planningQueryResolvers, ...fleetQueryResolvers },
  Mutation: {
    ...mutationResolvers,
    ...planningMutationResolvers,
    ...migrationMutationResolvers,
    ...fleetMutationResolvers,
  },
  Subscription: {
    ...subscriptionResolvers,
    ...migrationSubscriptionResolvers,
    ...fleetSubscriptionResolvers,
  },
  VM: { ...vmFieldResolvers, ...fleetVmFieldResolvers },
};
