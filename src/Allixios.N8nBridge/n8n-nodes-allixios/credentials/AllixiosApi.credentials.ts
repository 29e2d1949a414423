import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AllixiosApi implements ICredentialType {
	name = 'allixiosApi';

	displayName = 'Allixios API';

	icon: Icon = { light: 'file:../icons/allixios.svg', dark: 'file:../icons/allixios.dark.svg' };

	documentationUrl =
		'https://github.com/allixios/allixios/tree/main/src/Allixios.N8nBridge/n8n-nodes-allixios#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:5080',
			placeholder: 'https://allixios.example.com',
			description: 'The address of the Allixios runtime, without a trailing /v1',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'An Allixios API key; its tenant and scopes decide what the node may do',
			required: true,
		},
	];

	// The runtime accepts the key as a bearer token (or X-Api-Key); see ApiKeyAuthenticationHandler.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// GET /v1/whoami answers 200 with the key's tenant and scopes for any valid key, whatever its scopes.
	test: ICredentialTestRequest = {
		request: {
			// A trailing slash on the base URL is fine: the request joins it with the path without doubling it.
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v1/whoami',
			method: 'GET',
		},
	};
}
