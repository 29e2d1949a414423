'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createHmac, randomBytes } = require('node:crypto');

const { AllixiosTrigger } = require('../dist/nodes/AllixiosTrigger/AllixiosTrigger.node.js');
const { verify, sign } = require('../dist/nodes/AllixiosTrigger/StandardWebhook.js');
const { hookContext, webhookContext } = require('./context');

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const body = '{"type":"job.succeeded","timestamp":"2026-11-26T09:00:00Z","data":{"jobId":"job-1"}}';
const now = 1_800_000_000;

// Signs the way the runtime's StandardWebhook.Sign does, independently of the code under test.
function runtimeSignature(key, id, timestamp, payload) {
	const bytes = Buffer.from(key.slice('whsec_'.length), 'base64');
	return `v1,${createHmac('sha256', bytes).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
}

function headers(timestamp = String(now), payload = body, key = secret) {
	return { id: 'msg_1', timestamp, signature: runtimeSignature(key, 'msg_1', timestamp, payload) };
}

test('a delivery signed with the subscription secret verifies', () => {
	assert.deepEqual(verify(secret, Buffer.from(body), headers(), now), { valid: true });
	assert.equal(sign(secret, 'msg_1', String(now), body), headers().signature);
});

test('a tampered body does not verify', () => {
	const result = verify(secret, Buffer.from(body.replace('job-1', 'job-2')), headers(), now);
	assert.equal(result.valid, false);
	assert.match(result.reason, /No v1 signature/);
});

test('a signature made with another secret does not verify', () => {
	const other = `whsec_${randomBytes(24).toString('base64')}`;
	const result = verify(secret, Buffer.from(body), headers(String(now), body, other), now);
	assert.equal(result.valid, false);
});

test('a timestamp older or newer than five minutes does not verify, even when correctly signed', () => {
	const stale = verify(secret, Buffer.from(body), headers(String(now - 301)), now);
	assert.equal(stale.valid, false);
	assert.match(stale.reason, /301 s old/);
	const future = verify(secret, Buffer.from(body), headers(String(now + 301)), now);
	assert.equal(future.valid, false);
	assert.equal(verify(secret, Buffer.from(body), headers(String(now - 299)), now).valid, true);
});

test('a missing header or a non-numeric timestamp does not verify', () => {
	assert.equal(verify(secret, Buffer.from(body), { ...headers(), signature: undefined }, now).valid, false);
	assert.equal(verify(secret, Buffer.from(body), { ...headers(), timestamp: 'soon' }, now).valid, false);
});

test('one matching signature among several (a secret rotation) verifies', () => {
	const signed = headers();
	const result = verify(secret, Buffer.from(body), { ...signed, signature: `v1,AAAA ${signed.signature}` }, now);
	assert.deepEqual(result, { valid: true });
});

function delivery(overrides = {}) {
	const timestamp = String(Math.floor(Date.now() / 1000));
	const signed = headers(timestamp);
	return webhookContext({
		staticData: { subscriptionId: 'sub-1', secret },
		rawBody: Buffer.from(body),
		headers: {
			'webhook-id': signed.id,
			'webhook-timestamp': signed.timestamp,
			'webhook-signature': signed.signature,
		},
		body: JSON.parse(body),
		...overrides,
	});
}

test('a verified delivery starts the workflow with the event', async () => {
	const context = delivery();
	const result = await new AllixiosTrigger().webhook.call(context);
	assert.deepEqual(result.workflowData, [[{ json: { ...JSON.parse(body), webhookId: 'msg_1' } }]]);
	assert.equal(context.sent.status, undefined);
});

test('a delivery with a bad signature is answered 401 and starts nothing', async () => {
	const context = delivery({ rawBody: Buffer.from(body.replace('job-1', 'job-9')) });
	const result = await new AllixiosTrigger().webhook.call(context);
	assert.equal(result.workflowData, undefined);
	assert.equal(result.noWebhookResponse, true);
	assert.equal(context.sent.status, 401);
	assert.match(context.sent.body.detail, /No v1 signature/);
});

test('a delivery before any subscription secret is stored is answered 401', async () => {
	const context = delivery({ staticData: {} });
	const result = await new AllixiosTrigger().webhook.call(context);
	assert.equal(result.workflowData, undefined);
	assert.equal(context.sent.status, 401);
});

test('activation subscribes the webhook URL to the chosen events and keeps the id and secret', async () => {
	const context = hookContext({
		params: { events: ['job.succeeded', 'job.failed'] },
		responses: [{ statusCode: 200, body: { subscriptionId: 'sub-9', secret, enabled: true } }],
	});
	const created = await new AllixiosTrigger().webhookMethods.default.create.call(context);
	assert.equal(created, true);
	const { options } = context.calls[0];
	assert.equal(options.method, 'POST');
	assert.equal(options.url, '/v1/webhook-subscriptions');
	assert.deepEqual(options.body.eventTypes, ['job.succeeded', 'job.failed']);
	assert.equal(options.body.url, 'http://n8n.test/webhook/abc/webhook');
	assert.deepEqual(context.staticData, { subscriptionId: 'sub-9', secret });
});

test('checkExists is true for the stored subscription at this URL, and forgets one the runtime no longer has', async () => {
	const trigger = new AllixiosTrigger();
	const existing = hookContext({
		staticData: { subscriptionId: 'sub-9', secret },
		responses: [{ statusCode: 200, body: { subscriptionId: 'sub-9', url: 'http://n8n.test/webhook/abc/webhook' } }],
	});
	assert.equal(await trigger.webhookMethods.default.checkExists.call(existing), true);
	assert.equal(existing.calls[0].options.url, '/v1/webhook-subscriptions/sub-9');

	const gone = hookContext({
		staticData: { subscriptionId: 'sub-9', secret },
		responses: [{ statusCode: 404, body: { title: 'Not found', status: 404, detail: 'no such subscription' } }],
	});
	assert.equal(await trigger.webhookMethods.default.checkExists.call(gone), false);
	assert.deepEqual(gone.staticData, {});

	const none = hookContext({});
	assert.equal(await trigger.webhookMethods.default.checkExists.call(none), false);
	assert.equal(none.calls.length, 0);
});

test('deactivation deletes the subscription and forgets it; one already gone is fine', async () => {
	const trigger = new AllixiosTrigger();
	const context = hookContext({
		staticData: { subscriptionId: 'sub-9', secret },
		responses: [{ statusCode: 200, body: {} }],
	});
	assert.equal(await trigger.webhookMethods.default.delete.call(context), true);
	assert.equal(context.calls[0].options.method, 'DELETE');
	assert.equal(context.calls[0].options.url, '/v1/webhook-subscriptions/sub-9');
	assert.deepEqual(context.staticData, {});

	const gone = hookContext({
		staticData: { subscriptionId: 'sub-9', secret },
		responses: [{ statusCode: 404, body: { detail: 'no such subscription' } }],
	});
	assert.equal(await trigger.webhookMethods.default.delete.call(gone), true);

	const failing = hookContext({
		staticData: { subscriptionId: 'sub-9', secret },
		responses: [{ statusCode: 503, body: { detail: 'down' } }],
	});
	assert.equal(await trigger.webhookMethods.default.delete.call(failing), false);
	assert.equal(failing.staticData.subscriptionId, 'sub-9');
});

test('the event picker lists the runtime event types', async () => {
	const context = hookContext({
		responses: [{ statusCode: 200, body: { eventTypes: [{ name: 'job.succeeded', description: 'A job succeeded.' }] } }],
	});
	const options = await new AllixiosTrigger().methods.loadOptions.getEventTypes.call(context);
	assert.equal(context.calls[0].options.url, '/v1/webhook-event-types');
	assert.deepEqual(options, [{ name: 'job.succeeded', value: 'job.succeeded', description: 'A job succeeded.' }]);
});
