/** The element could not be acted on and the recording gives no other way to find it. */
export class ElementActionError extends Error {
  override name = 'ElementActionError';
}
