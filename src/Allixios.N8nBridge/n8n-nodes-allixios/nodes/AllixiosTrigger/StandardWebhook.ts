import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a delivery's timestamp may be from this machine's clock: 5 minutes, as the specification suggests. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = 'whsec_';

/** The three Standard Webhooks headers of one delivery, as received (any may be missing). */
export interface WebhookHeaders {
	id?: string;
	timestamp?: string;
	signature?: string;
}

/** The outcome of a check: valid, or why not (said so that the operator knows which check failed). */
export type VerificationResult = { valid: true } | { valid: false; reason: string };

/** The HMAC key of a secret: the bytes of the base64 after "whsec_" (the prefix is optional), as the runtime signs. */
export function decodeSecret(secret: string): Buffer {
	const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
		throw new Error("The webhook secret is not 'whsec_' followed by base64.");
	}
	return Buffer.from(encoded, 'base64');
}

/** The webhook-signature value for a message: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body". */
export function sign(secret: string, id: string, timestamp: string, body: Buffer | string): string {
	return `v1,${hash(decodeSecret(secret), id, timestamp, body).toString('base64')}`;
}

/**
 * Checks a delivery per the Standard Webhooks specification: all three headers present, the timestamp within the
 * tolerance of now (so a captured delivery cannot be replayed later), and one of the space-separated v1 signatures
 * matching the HMAC of the raw body. Signatures are compared in constant time.
 */
export function verify(
	secret: string,
	rawBody: Buffer | string,
	headers: WebhookHeaders,
	nowSeconds: number,
	toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): VerificationResult {
	const { id, timestamp, signature } = headers;
	if (!id || !timestamp || !signature) {
		return {
			valid: false,
			reason: 'A required header is missing: webhook-id, webhook-timestamp and webhook-signature must all be present',
		};
	}
	if (!/^\d+$/.test(timestamp)) {
		return { valid: false, reason: `The webhook-timestamp '${timestamp}' is not a Unix time in seconds` };
	}
	const skew = Math.floor(nowSeconds) - Number(timestamp);
	if (Math.abs(skew) > toleranceSeconds) {
		return {
			valid: false,
			reason: `The webhook-timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}, beyond the ${toleranceSeconds} s tolerance`,
		};
	}
	const expected = hash(decodeSecret(secret), id, timestamp, rawBody);
	for (const candidate of signature.split(' ')) {
		const comma = candidate.indexOf(',');
		if (comma < 0 || candidate.slice(0, comma) !== 'v1') {
			continue;
		}
		const presented = Buffer.from(candidate.slice(comma + 1), 'base64');
		if (presented.length === expected.length && timingSafeEqual(presented, expected)) {
			return { valid: true };
		}
	}
	return {
		valid: false,
		reason: 'No v1 signature in the webhook-signature header matches the delivery',
	};
}

function hash(key: Buffer, id: string, timestamp: string, body: Buffer | string): Buffer {
	return createHmac('sha256', key)
		.update(`${id}.${timestamp}.`)
		.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
		.digest();
}
