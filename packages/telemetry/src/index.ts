export { componentLogger, rootLogger, setRootLogger, type Logger } from './logger.ts';
