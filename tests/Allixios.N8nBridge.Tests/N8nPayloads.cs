namespace Allixios.N8nBridge.Tests;

/// <summary>
/// Payloads in the shapes n8n 2.8's public API answers (copied from its handlers' schemas and real answers): a workflow
/// with nodes, connections, settings, static data and pinned data; executions with <c>data.resultData.runData</c>.
/// </summary>
internal static class N8nPayloads
{
    public const string Workflow = """
        {
          "id": "2tUt1wbLX592XDdX",
          "name": "Brief to article",
          "active": false,
          "isArchived": false,
          "createdAt": "2026-01-05T10:00:00.000Z",
          "updatedAt": "2026-01-05T10:05:00.000Z",
          "versionId": "7c1a4c55-2b8f-4a9e-9f0e-4f5a1e2c3d4b",
          "triggerCount": 1,
          "nodes": [
            {"parameters": {"httpMethod": "POST", "path": "brief", "options": {}}, "id": "a1b2c3d4-0001-4000-8000-000000000001", "name": "Webhook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0], "webhookId": "5f0c8a1e-brief"},
            {"parameters": {"method": "POST", "url": "http://127.0.0.1:5080/v1/jobs", "sendBody": true, "specifyBody": "json", "jsonBody": "={{ { type: 'content.generate', payload: $json.body } }}", "options": {"timeout": 10000}}, "id": "a1b2c3d4-0002-4000-8000-000000000002", "name": "Generate article", "type": "n8n-nodes-base.httpRequest", "typeVersion": 4.2, "position": [220, 0], "retryOnFail": true, "maxTries": 3},
            {"parameters": {"method": "POST", "url": "http://127.0.0.1:5080/v1/search/documents", "options": {}}, "id": "a1b2c3d4-0003-4000-8000-000000000003", "name": "Index for search", "type": "n8n-nodes-base.httpRequest", "typeVersion": 4.2, "position": [440, 0]}
          ],
          "connections": {
            "Webhook": {"main": [[{"node": "Generate article", "type": "main", "index": 0}]]},
            "Generate article": {"main": [[{"node": "Index for search", "type": "main", "index": 0}]]}
          },
          "settings": {"executionOrder": "v1", "saveManualExecutions": true, "callerPolicy": "workflowsFromSameOwner", "binaryMode": "separate"},
          "staticData": null,
          "meta": {"templateCredsSetupCompleted": true},
          "pinData": {},
          "tags": [{"id": "Qy2fRn8EAh9zDqu3", "name": "content", "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"}],
          "shared": [{"role": "workflow:owner", "workflowId": "2tUt1wbLX592XDdX", "projectId": "p1"}]
        }
        """;

    /// <summary>Three nodes, the middle one slow; every time is n8n's (epoch milliseconds, durations in ms).</summary>
    public const string SucceededExecution = """
        {
          "id": 1042,
          "finished": true,
          "mode": "webhook",
          "retryOf": null,
          "retrySuccessId": null,
          "status": "success",
          "createdAt": "2026-02-01T09:00:00.000Z",
          "startedAt": "2026-02-01T09:00:00.000Z",
          "stoppedAt": "2026-02-01T09:00:03.200Z",
          "deletedAt": null,
          "workflowId": "2tUt1wbLX592XDdX",
          "waitTill": null,
          "customData": {},
          "data": {
            "startData": {},
            "resultData": {
              "runData": {
                "Webhook": [{"hints": [], "startTime": 1769936400000, "executionIndex": 0, "source": [], "executionTime": 2, "executionStatus": "success", "data": {"main": [[{"json": {"body": {"topic": "spring"}}, "pairedItem": {"item": 0}}]]}}],
                "Generate article": [{"hints": [], "startTime": 1769936400004, "executionIndex": 1, "source": [{"previousNode": "Webhook"}], "executionTime": 2900, "executionStatus": "success", "data": {"main": [[{"json": {"id": "job-1", "state": "succeeded"}, "pairedItem": {"item": 0}}]]}}],
                "Index for search": [{"hints": [], "startTime": 1769936402910, "executionIndex": 2, "source": [{"previousNode": "Generate article"}], "executionTime": 250, "executionStatus": "success", "data": {"main": [[{"json": {"indexed": 1}, "pairedItem": {"item": 0}}]]}}]
              },
              "pinData": {},
              "lastNodeExecuted": "Index for search"
            },
            "executionData": {"contextData": {}, "nodeExecutionStack": [], "metadata": {}, "waitingExecution": {}, "waitingExecutionSource": {}}
          }
        }
        """;

    public const string FailedExecution = """
        {
          "id": "1043",
          "finished": false,
          "mode": "webhook",
          "retryOf": null,
          "retrySuccessId": null,
          "status": "error",
          "startedAt": "2026-02-01T09:10:00.000Z",
          "stoppedAt": "2026-02-01T09:10:01.000Z",
          "workflowId": "2tUt1wbLX592XDdX",
          "waitTill": null,
          "data": {
            "startData": {},
            "resultData": {
              "runData": {
                "Webhook": [{"hints": [], "startTime": 1769937000000, "executionIndex": 0, "source": [], "executionTime": 1, "executionStatus": "success", "data": {"main": [[{"json": {}}]]}}],
                "Generate article": [{"hints": [], "startTime": 1769937000003, "executionIndex": 1, "source": [{"previousNode": "Webhook"}], "executionTime": 950, "executionStatus": "error", "error": {"message": "The service was not able to process your request", "description": "Service Unavailable", "httpCode": "503", "name": "NodeApiError", "level": "warning", "timestamp": 1769937000953}}]
              },
              "lastNodeExecuted": "Generate article",
              "error": {"message": "The service was not able to process your request", "name": "NodeApiError", "node": {"name": "Generate article"}}
            }
          }
        }
        """;
}
