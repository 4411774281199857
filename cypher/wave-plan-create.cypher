// A plan being computed; wave-plan-finish makes it a what-if draft, wave-plan-delete removes a failed one.
CREATE (p:WavePlan {id: $planId, name: $name, version: toInteger($version), status: 'planning', scope: $scope,
                    constraints: $constraints, createdAt: datetime()})
RETURN p.id AS id
