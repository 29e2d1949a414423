'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { NodeApiError } = require('n8n-workflow');

const { Allixios } = require('../dist/nodes/Allixios/Allixios.node.js');
const { operations } = require('../dist/nodes/Allixios/generated/operations.js');
const { executeContext } = require('./context');

const ok = (body) => ({ statusCode: 200, body });
const job = (state, extra = {}) => ({ jobId: 'job-1', type: 'content.generate', state, ...extra });

async function run(params, responses, options = {}) {
	const context = executeContext({ params, responses, ...options });
	const output = await new Allixios().execute.call(context);
	return { context, output: output[0] };
}

test('enqueue posts content.generate with the payload and the additional fields to /v1/jobs', async () => {
	const { context, output } = await run(
		{
			resource: 'job',
			operation: 'enqueue',
			jobType: 'content.generate',
			payload: '{"topic": "spring"}',
			additionalFields: { priority: 7, tags: ['campaign:spring'], idempotencyKey: 'brief-17' },
			waitForCompletion: false,
		},
		[ok({ job: job('available'), created: true })],
	);
	assert.equal(context.calls.length, 1);
	const { credentialsType, options } = context.calls[0];
	assert.equal(credentialsType, 'allixiosApi');
	assert.equal(options.method, 'POST');
	assert.equal(options.baseURL, 'http://runtime.test:5080');
	assert.equal(options.url, '/v1/jobs');
	assert.deepEqual(options.body, {
		type: 'content.generate',
		payload: { topic: 'spring' },
		priority: 7,
		tags: ['campaign:spring'],
		idempotencyKey: 'brief-17',
	});
	assert.deepEqual(output, [{ json: { job: job('available'), created: true }, pairedItem: { item: 0 } }]);
});

test('enqueue sends any custom job type, and the job resource field under its own name', async () => {
	const { context } = await run(
		{
			resource: 'job',
			operation: 'enqueue',
			jobType: 'custom',
			customJobType: ' content.translate ',
			payload: { lang: 'de' },
			additionalFields: { jobResource: 'openai' },
			waitForCompletion: false,
		},
		[ok({ job: job('available'), created: true })],
	);
	assert.deepEqual(context.calls[0].options.body, {
		type: 'content.translate',
		payload: { lang: 'de' },
		resource: 'openai',
	});
});

test('get reads the job by its escaped id and sends no body', async () => {
	const { context, output } = await run({ resource: 'job', operation: 'get', jobId: 'a/b' }, [
		ok(job('running')),
	]);
	const { options } = context.calls[0];
	assert.equal(options.method, 'GET');
	assert.equal(options.url, '/v1/jobs/a%2Fb');
	assert.equal(options.body, undefined);
	assert.equal(output[0].json.state, 'running');
});

test('cancel posts the reason to /v1/jobs/{id}:cancel without repeating the id in the body', async () => {
	const { context } = await run(
		{ resource: 'job', operation: 'cancel', jobId: 'job-1', additionalFields: { reason: 'withdrawn' } },
		[ok(job('cancelled'))],
	);
	const { options } = context.calls[0];
	assert.equal(options.method, 'POST');
	assert.equal(options.url, '/v1/jobs/job-1:cancel');
	assert.deepEqual(options.body, { reason: 'withdrawn' });
});

test('wait for completion polls the job until it is final and outputs it then', async () => {
	const { context, output } = await run(
		{ resource: 'job', operation: 'waitForCompletion', jobId: 'job-1', waitTimeout: 10, pollInterval: 0.01 },
		[ok(job('available')), ok(job('running')), ok(job('succeeded'))],
	);
	assert.equal(context.calls.length, 3);
	assert.ok(context.calls.every((call) => call.options.url === '/v1/jobs/job-1'));
	assert.equal(output[0].json.state, 'succeeded');
});

test('enqueue with wait for completion outputs the finished job', async () => {
	const { context, output } = await run(
		{
			resource: 'job',
			operation: 'enqueue',
			jobType: 'content.generate',
			payload: '{}',
			additionalFields: {},
			waitForCompletion: true,
			waitTimeout: 10,
			pollInterval: 0.01,
		},
		[ok({ job: job('available'), created: true }), ok(job('dead_lettered', { lastError: 'boom' }))],
	);
	assert.equal(context.calls[1].options.method, 'GET');
	assert.deepEqual(output[0].json, { job: job('dead_lettered', { lastError: 'boom' }), created: true });
});

test('wait for completion fails with the job state when the timeout passes', async () => {
	await assert.rejects(
		run(
			{ resource: 'job', operation: 'waitForCompletion', jobId: 'job-1', waitTimeout: 0.05, pollInterval: 0.01 },
			Array.from({ length: 50 }, () => ok(job('running'))),
		),
		/Job job-1 is still running after 0.05 s/,
	);
});

test('AI complete posts the parsed messages and options to /v1/ai:complete', async () => {
	const { context } = await run(
		{
			resource: 'ai',
			operation: 'complete',
			messages: '[{"role": "user", "content": "Hi"}]',
			additionalFields: { model: 'gpt-4o-mini', temperature: 0.2, json: true },
		},
		[ok({ text: 'Hello' })],
	);
	const { options } = context.calls[0];
	assert.equal(options.url, '/v1/ai:complete');
	assert.deepEqual(options.body, {
		messages: [{ role: 'user', content: 'Hi' }],
		model: 'gpt-4o-mini',
		temperature: 0.2,
		json: true,
	});
});

test('invalid JSON in a JSON field fails the item with a message naming the field', async () => {
	await assert.rejects(
		run({ resource: 'ai', operation: 'complete', messages: '[{', additionalFields: {} }, []),
		/"messages" is not valid JSON/,
	);
});

test('search query sends the enum value and filters to /v1/search:query', async () => {
	const { context } = await run(
		{
			resource: 'search',
			operation: 'query',
			query: 'spring',
			additionalFields: { mode: 'SEARCH_MODE_HYBRID', topK: 5, facets: ['tags'] },
		},
		[ok({ hits: [], total: 0 })],
	);
	assert.deepEqual(context.calls[0].options.body, {
		query: 'spring',
		mode: 'SEARCH_MODE_HYBRID',
		topK: 5,
		facets: ['tags'],
	});
});

test('more like this reads the document by id with topK as a query parameter', async () => {
	const { context } = await run(
		{ resource: 'search', operation: 'moreLikeThis', documentId: 'doc-1', additionalFields: { topK: 3 } },
		[ok({ hits: [] })],
	);
	const { options } = context.calls[0];
	assert.equal(options.method, 'GET');
	assert.equal(options.url, '/v1/search/documents/doc-1/more-like-this');
	assert.deepEqual(options.qs, { topK: 3 });
	assert.equal(options.body, undefined);
});

test('reindex posts an empty body to the reindex route and returns the count', async () => {
	const { context, output } = await run({ resource: 'search', operation: 'reindex' }, [ok({ reindexed: 42 })]);
	const { options } = context.calls[0];
	assert.equal(options.method, 'POST');
	assert.equal(options.url, '/v1/search:reindex');
	assert.deepEqual(options.body, {});
	assert.equal(output[0].json.reindexed, 42);
});

test('usage summarize sends dotted filter names and repeated group-by values as query parameters', async () => {
	const { context } = await run(
		{
			resource: 'usage',
			operation: 'summarize',
			additionalFields: { filterModel: 'gpt-4o', groupBy: ['model', 'day'], filterStartTime: '2026-11-01T00:00:00Z' },
		},
		[ok({ rows: [] })],
	);
	const { options } = context.calls[0];
	assert.equal(options.url, '/v1/usage:summarize');
	assert.deepEqual(options.qs, {
		'filter.model': 'gpt-4o',
		'filter.startTime': '2026-11-01T00:00:00Z',
		groupBy: ['model', 'day'],
	});
	assert.equal(options.arrayFormat, 'repeat');
});

test('budget update patches the fields given, the id only in the path', async () => {
	const { context } = await run(
		{ resource: 'budget', operation: 'update', budgetId: 'b-1', additionalFields: { limit: '30.00' } },
		[ok({ budgetId: 'b-1', limit: '30.00' })],
	);
	const { options } = context.calls[0];
	assert.equal(options.method, 'PATCH');
	assert.equal(options.url, '/v1/budgets/b-1');
	assert.deepEqual(options.body, { limit: '30.00' });
});

test('cache invalidate posts the tags', async () => {
	const { context } = await run(
		{ resource: 'cache', operation: 'invalidate', tags: ['section:home'], additionalFields: {} },
		[ok({ invalidated: 2 })],
	);
	assert.equal(context.calls[0].options.url, '/v1/cache:invalidate');
	assert.deepEqual(context.calls[0].options.body, { tags: ['section:home'] });
});

test('a problem+json answer becomes a NodeApiError whose message is the problem detail', async () => {
	const problem = {
		type: 'https://allixios.dev/problems/invalid-argument',
		title: 'Invalid argument',
		status: 400,
		detail: "payload: the property 'topic' is required",
	};
	await assert.rejects(
		run(
			{ resource: 'job', operation: 'enqueue', jobType: 'content.generate', payload: '{}', additionalFields: {}, waitForCompletion: false },
			[{ statusCode: 400, body: problem }],
		),
		(error) => {
			assert.ok(error instanceof NodeApiError);
			assert.equal(error.message, "payload: the property 'topic' is required");
			assert.equal(error.httpCode, '400');
			assert.equal(error.description, 'Invalid argument');
			return true;
		},
	);
});

test('an error answer without a problem body still names the HTTP status', async () => {
	await assert.rejects(
		run({ resource: 'job', operation: 'get', jobId: 'x' }, [{ statusCode: 502, body: '' }]),
		(error) => error instanceof NodeApiError && /HTTP 502/.test(error.message),
	);
});

test('with continue on fail, a failed item carries the error and the next item still runs', async () => {
	const { context, output } = await run(
		(itemIndex) => ({ resource: 'job', operation: 'get', jobId: itemIndex === 0 ? 'missing' : 'job-1' }),
		[
			{ statusCode: 404, body: { title: 'Not found', status: 404, detail: "The job 'missing' does not exist." } },
			ok(job('running')),
		],
		{ continueOnFail: true, items: [{ json: {} }, { json: {} }] },
	);
	assert.equal(context.calls.length, 2);
	assert.deepEqual(output, [
		{ json: { error: "The job 'missing' does not exist." }, pairedItem: { item: 0 } },
		{ json: job('running'), pairedItem: { item: 1 } },
	]);
});

test('every generated operation has its resource and operation options and its parameters', () => {
	const { properties } = new Allixios().description;
	const resource = properties.find((p) => p.name === 'resource');
	for (const operation of operations) {
		assert.ok(resource.options.some((o) => o.value === operation.resource), operation.resource);
		const picker = properties.find(
			(p) => p.name === 'operation' && p.displayOptions.show.resource.includes(operation.resource),
		);
		assert.ok(picker.options.some((o) => o.value === operation.operation), operation.operation);
		for (const field of operation.fields) {
			const shown = (p) =>
				p.displayOptions?.show?.resource?.includes(operation.resource) &&
				p.displayOptions?.show?.operation?.includes(operation.operation);
			const found = field.topLevel
				? properties.some((p) => p.name === field.parameter && shown(p))
				: properties.some(
						(p) => p.name === 'additionalFields' && shown(p) && p.options.some((o) => o.name === field.parameter),
					);
			assert.ok(found, `${operation.resource}.${operation.operation}: ${field.parameter}`);
		}
	}
});
