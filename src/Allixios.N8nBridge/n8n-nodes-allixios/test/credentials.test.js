'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');

const { AllixiosApi } = require('../dist/credentials/AllixiosApi.credentials.js');

test('the credentials send the API key as a bearer token and test it with GET /v1/whoami', () => {
	const credentials = new AllixiosApi();
	assert.equal(credentials.name, 'allixiosApi');
	assert.deepEqual(
		credentials.properties.map((p) => p.name),
		['baseUrl', 'apiKey'],
	);
	assert.equal(credentials.properties[1].typeOptions.password, true);
	assert.equal(credentials.authenticate.properties.headers.Authorization, '=Bearer {{$credentials.apiKey}}');
	assert.equal(credentials.test.request.url, '/v1/whoami');
	assert.equal(credentials.test.request.method, 'GET');
});
