"""Documents: types, the Query and Mutation parts, and the documentUpdates stream."""
