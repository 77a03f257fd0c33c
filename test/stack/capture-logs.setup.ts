import { capturedLogFile, teeLogsInto } from './log-capture';
import { testStack } from './test-stack';

teeLogsInto(capturedLogFile(testStack().dataDir));
