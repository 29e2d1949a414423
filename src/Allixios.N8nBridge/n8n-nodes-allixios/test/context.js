'use strict';
// Minimal stand-ins for the `this` n8n passes to a node: only what the nodes call. Each HTTP call is recorded and
// answered from the queue of responses ({ statusCode, body }, or a function of the request options).

const node = {
	id: 'node-1',
	name: 'Allixios',
	type: 'n8n-nodes-allixios.allixios',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function parameterReader(params) {
	return (name, itemIndex, fallback) => {
		const values = typeof params === 'function' ? params(itemIndex) : params;
		if (Object.prototype.hasOwnProperty.call(values, name)) {
			return values[name];
		}
		if (fallback !== undefined) {
			return fallback;
		}
		throw new Error(`The test gave no value for the parameter "${name}"`);
	};
}

function http(responses, calls) {
	return async function httpRequestWithAuthentication(credentialsType, options) {
		calls.push({ credentialsType, options });
		if (responses.length === 0) {
			throw new Error(`No response queued for ${options.method} ${options.url}`);
		}
		const response = responses.shift();
		return typeof response === 'function' ? response(options) : response;
	};
}

const credentials = { baseUrl: 'http://runtime.test:5080/', apiKey: 'alx_test' };

function executeContext({ params, items = [{ json: {} }], responses = [], continueOnFail = false }) {
	const calls = [];
	return {
		calls,
		getInputData: () => items,
		getNodeParameter: parameterReader(params),
		getNode: () => node,
		continueOnFail: () => continueOnFail,
		getCredentials: async () => credentials,
		helpers: { httpRequestWithAuthentication: http(responses, calls) },
	};
}

function hookContext({ params = {}, responses = [], staticData = {}, webhookUrl = 'http://n8n.test/webhook/abc/webhook' }) {
	const calls = [];
	return {
		calls,
		staticData,
		getNodeParameter: parameterReader(params),
		getNode: () => ({ ...node, name: 'Allixios Trigger', type: 'n8n-nodes-allixios.allixiosTrigger' }),
		getWorkflow: () => ({ id: 'wf-7', name: 'test', active: true }),
		getWorkflowStaticData: () => staticData,
		getNodeWebhookUrl: () => webhookUrl,
		getCredentials: async () => credentials,
		helpers: { httpRequestWithAuthentication: http(responses, calls) },
	};
}

function webhookContext({ staticData, rawBody, headers, body }) {
	const sent = { status: undefined, body: undefined };
	const response = {
		status(code) {
			sent.status = code;
			return response;
		},
		json(value) {
			sent.body = value;
			return response;
		},
		send(value) {
			sent.body = value;
			return response;
		},
	};
	return {
		sent,
		getRequestObject: () => ({ rawBody, headers, body }),
		getResponseObject: () => response,
		getWorkflowStaticData: () => staticData,
		getBodyData: () => body,
		getNode: () => ({ ...node, name: 'Allixios Trigger', type: 'n8n-nodes-allixios.allixiosTrigger' }),
	};
}

module.exports = { executeContext, hookContext, webhookContext, credentials };
