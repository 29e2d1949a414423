import type {
	IDataObject,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { allixiosRequest, nodeError } from '../Allixios/transport';
import { verify } from './StandardWebhook';

/** What the node keeps between activation and deactivation (the workflow's static data for this node). */
interface SubscriptionState extends IDataObject {
	subscriptionId?: string;
	secret?: string;
}

function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

export class AllixiosTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Allixios Trigger',
		name: 'allixiosTrigger',
		icon: { light: 'file:../../icons/allixios.svg', dark: 'file:../../icons/allixios.dark.svg' },
		group: ['trigger'],
		version: [1],
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when Allixios sends a signed webhook, e.g. when a job succeeds',
		defaults: {
			name: 'Allixios Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'allixiosApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Event Names or IDs',
				name: 'events',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getEventTypes' },
				required: true,
				default: [],
				description:
					'The events that start the workflow, e.g. job.succeeded. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		],
	};

	methods = {
		loadOptions: {
			async getEventTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const response = await allixiosRequest.call(this, {
					method: 'GET',
					path: '/v1/webhook-event-types',
				});
				const eventTypes = (response.eventTypes ?? []) as IDataObject[];
				return eventTypes.map((eventType) => ({
					name: String(eventType.name),
					value: String(eventType.name),
					description: typeof eventType.description === 'string' ? eventType.description : undefined,
				}));
			},
		},
	};

	webhookMethods = {
		default: {
			// True when the subscription made at the last activation still exists and still points here.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				if (!state.subscriptionId) {
					return false;
				}
				try {
					const subscription = await allixiosRequest.call(this, {
						method: 'GET',
						path: `/v1/webhook-subscriptions/${encodeURIComponent(state.subscriptionId)}`,
					});
					if (subscription.url === this.getNodeWebhookUrl('default') && state.secret) {
						return true;
					}
				} catch (error) {
					if (!(error instanceof NodeApiError) || error.httpCode !== '404') {
						throw nodeError(this, error);
					}
				}
				delete state.subscriptionId;
				delete state.secret;
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const events = this.getNodeParameter('events', []) as string[];
				if (events.length === 0) {
					throw new NodeOperationError(this.getNode(), 'Choose at least one event to listen to');
				}
				const subscription = await allixiosRequest.call(this, {
					method: 'POST',
					path: '/v1/webhook-subscriptions',
					body: {
						url: this.getNodeWebhookUrl('default'),
						eventTypes: events,
						description: `n8n workflow ${this.getWorkflow().id ?? ''}: ${this.getNode().name}`.slice(
							0,
							500,
						),
					},
				});
				if (typeof subscription.subscriptionId !== 'string' || typeof subscription.secret !== 'string') {
					throw new NodeOperationError(
						this.getNode(),
						'The runtime created the subscription but answered without its id and secret',
					);
				}
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				state.subscriptionId = subscription.subscriptionId;
				state.secret = subscription.secret;
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				if (state.subscriptionId) {
					try {
						await allixiosRequest.call(this, {
							method: 'DELETE',
							path: `/v1/webhook-subscriptions/${encodeURIComponent(state.subscriptionId)}`,
						});
					} catch (error) {
						// Already gone (deleted by hand, or the tenant's data was reset): nothing left to remove.
						if (!(error instanceof NodeApiError) || error.httpCode !== '404') {
							return false;
						}
					}
				}
				delete state.subscriptionId;
				delete state.secret;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const state = this.getWorkflowStaticData('node') as SubscriptionState;
		const reject = (reason: string): IWebhookResponseData => {
			response.status(401).json({ title: 'Webhook rejected', status: 401, detail: reason });
			return { noWebhookResponse: true };
		};
		if (!state.secret) {
			return reject('This trigger has no subscription secret: deactivate and activate the workflow');
		}
		const rawBody = (request as unknown as { rawBody?: Buffer }).rawBody;
		if (rawBody === undefined) {
			return reject('The raw request body is not available to check the signature');
		}
		const result = verify(
			state.secret,
			rawBody,
			{
				id: headerValue(request.headers['webhook-id']),
				timestamp: headerValue(request.headers['webhook-timestamp']),
				signature: headerValue(request.headers['webhook-signature']),
			},
			Date.now() / 1000,
		);
		if (!result.valid) {
			return reject(result.reason);
		}
		const body = this.getBodyData();
		return {
			workflowData: [
				[
					{
						json: {
							...body,
							webhookId: headerValue(request.headers['webhook-id']) ?? '',
						},
					},
				],
			],
		};
	}
}
