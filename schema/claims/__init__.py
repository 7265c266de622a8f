"""Insurance claims: types, the Query and Mutation parts, and the insuranceClaimUpdates stream."""
