import { CHANNEL_TYPES, type ChannelType } from '../../config/channels-schema.js';

/**
 * A delivery channel is the file channels/<type>.ts exporting `channel` (see types.ts), named in
 * CHANNEL_TYPES (config/channels-schema.ts). Its code (rendering, signing, HTTP) is loaded the
 * first time a message is composed or sent that way, so a daemon with nothing to deliver holds none.
 */
export { CHANNEL_TYPES as channelTypes, type ChannelType };

export function isChannelType(type: string): type is ChannelType {
  return (CHANNEL_TYPES as readonly string[]).includes(type);
}

/** The channel's module; deliver/ gives it its type. */
export function loadChannelModule(type: ChannelType): Promise<unknown> {
  return import(`./${type}.js`);
}
