"""The DynamoDB table moviebot uses: one table, one GSI, on-demand capacity.

template.yaml declares the same definition (a test checks they are equal); against a local
endpoint (DynamoDB Local) `DynamoStore` creates the table from this dict when it is missing.
The item layout is documented in bot/adapters/store/dynamodb.py.
"""

from __future__ import annotations

from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"
CLUSTER_INDEX = "by_cluster"
CLUSTER_INDEX_PARTITION_KEY = "gpk"
CLUSTER_INDEX_SORT_KEY = "gsk"
# The table's time-to-live attribute (epoch seconds); template.yaml enables TTL on it.
EXPIRES_AT = "expires_at"

TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
        {"AttributeName": SORT_KEY, "AttributeType": "S"},
        {"AttributeName": CLUSTER_INDEX_PARTITION_KEY, "AttributeType": "S"},
        {"AttributeName": CLUSTER_INDEX_SORT_KEY, "AttributeType": "S"},
    ],
    "KeySchema": [
        {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": CLUSTER_INDEX,
            "KeySchema": [
                {"AttributeName": CLUSTER_INDEX_PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": CLUSTER_INDEX_SORT_KEY, "KeyType": "RANGE"},
            ],
            # A cluster page is answered from the index alone: no follow-up reads.
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
