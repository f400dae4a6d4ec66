/** S3 URIs, apart from the S3 reader: telling one from a local path must not load the AWS SDK. */

export interface S3Uri {
  bucket: string;
  prefix: string;
}

export function isS3Uri(input: string): boolean {
  return /^s3:\/\//i.test(input);
}

/** `s3://bucket/prefix` → bucket and prefix; undefined when there is no bucket. */
export function parseS3Uri(input: string): S3Uri | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/is.exec(input);
  if (!m?.[1]) return undefined;
  return { bucket: m[1], prefix: m[2] ?? '' };
}
